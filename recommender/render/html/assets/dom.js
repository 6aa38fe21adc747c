/* DOM building for the reports. Text always goes in through text nodes (never innerHTML), so no answer,
   profile name or rule text can become markup. */
"use strict";

function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  setAttrs(node, attrs);
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function setAttrs(node, attrs) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "text") node.textContent = String(value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
}

function readJson(id) {
  const node = document.getElementById(id);
  return node ? JSON.parse(node.textContent) : null;
}

// Points as the Python side writes them (scoring.decide.text_of): six decimals, the tie
// tolerance's, trailing zeros dropped, always signed: +10.333334, −1.5, +0.
function signed(x) {
  const text = Math.abs(x).toFixed(6).replace(/\.?0+$/, "");
  return (x < 0 && text !== "0" ? "\u2212" : "+") + text;
}
