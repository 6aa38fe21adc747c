/* DOM building for the reports. Text always goes in through text nodes (never innerHTML), so no answer,
   profile name or rule text can become markup. */
"use strict";

function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  setAttrs(node, attrs);
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    const text = tag === "bdi" ? balanced(String(child)) : String(child);
    node.append(child instanceof Node ? child : document.createTextNode(text));
  }
  return node;
}

// A <bdi>'s text with its isolates paired (markup.balanced): a stray PDI (U+2069) closed the
// element's own isolate and let an override after it reverse the rest of the line.
function balanced(text) {
  if (!/[\u2066-\u2069]/.test(text)) return text;
  let depth = 0;
  let out = "";
  for (const c of text) {
    if (c === "\u2069") {
      if (!depth) continue;
      depth -= 1;
    } else if (c >= "\u2066" && c <= "\u2068") depth += 1;
    out += c;
  }
  return out + "\u2069".repeat(depth);
}

// Rule-base text (an overlay's framework or library name) put into a sentence as plain text:
// between FSI and PDI when it holds a bidi control or a right-to-left letter (markup.isolated,
// the same classes: terminal.RTL), so an override in it cannot reverse the words after it.
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const RTL = /[\u0590-\u08ff\u200f\ufb1d-\ufdff\ufe70-\ufefc\u{10800}-\u{10fff}\u{1e800}-\u{1efff}]/u;

function isolated(text) {
  return BIDI.test(text) || RTL.test(text) ? "\u2068" + balanced(text) + "\u2069" : text;
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
