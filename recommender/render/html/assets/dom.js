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

function signed(x) {
  const text = Number.isInteger(x) ? String(x) : String(Math.round(x * 1000) / 1000);
  return (x > 0 ? "+" : x < 0 ? "\u2212" : "") + text.replace("-", "");
}
