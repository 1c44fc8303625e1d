/* global document, window */
// Element builders shared by the auditor console and the MEAL page (both served by the gateway,
// both under the same Content-Security-Policy): no framework, no CDN, text always as text nodes.

export const SVG = 'http://www.w3.org/2000/svg';

export const $ = (id) => document.getElementById(id);

/** Builds an element: h('td', { class: 'num' }, 'text', otherNode). Children are text or nodes. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof window.Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** Builds an SVG element in the SVG namespace. */
export function svg(tag, attributes = {}, ...children) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  for (const child of children) element.append(child instanceof window.Node ? child : document.createTextNode(String(child)));
  return element;
}
