// <figure><img src alt><figcaption>…</figcaption></figure> as one block node whose content is
// the caption, so captions are edited in place and survive a round trip through the editor
// (TipTap ships no figure node; its Image extension is a bare <img>).

import { Node, mergeAttributes } from '@tiptap/core';
import Image from '@tiptap/extension-image';

import { sameSiteImage } from './urls.js';

export const Figure = Node.create({
  name: 'figure',
  group: 'block',
  content: 'inline*',
  // Captions take text and the simple marks, not links to nowhere or nested figures.
  marks: 'bold italic underline strike subscript superscript link',
  draggable: true,
  isolating: true,
  defining: true,

  addAttributes() {
    return {
      // Kept on the node, written on the <img> (not on <figure>) by renderHTML.
      src: { default: null, renderHTML: () => ({}) },
      alt: { default: '', renderHTML: () => ({}) },
    };
  },

  parseHTML() {
    return [
      {
        tag: 'figure',
        getAttrs: (el) => {
          const img = el.querySelector('img');
          const src = img && sameSiteImage(img.getAttribute('src'));
          // A figure without a usable image (a table or quote in a figure) is parsed as its content.
          if (!src) return false;
          return { src, alt: img.getAttribute('alt') || '' };
        },
        // The caption is the content; a figure without one gets an empty caption.
        contentElement: (el) => el.querySelector('figcaption') || el.ownerDocument.createElement('figcaption'),
      },
    ];
  },

  renderHTML({ node, HTMLAttributes }) {
    return ['figure', mergeAttributes(HTMLAttributes), ['img', { src: node.attrs.src, alt: node.attrs.alt || '' }], ['figcaption', 0]];
  },

  addCommands() {
    return {
      insertFigure:
        ({ src, alt, caption }) =>
        ({ commands }) =>
          commands.insertContent({
            type: this.name,
            attrs: { src, alt: alt || '' },
            content: caption ? [{ type: 'text', text: caption }] : [],
          }),
    };
  },
});

/** A bare <img> (older articles): kept, but only with a same-site source and never as data:. */
export const SameSiteImage = Image.extend({
  addAttributes() {
    return {
      ...this.parent?.(),
      src: { default: null, parseHTML: (el) => sameSiteImage(el.getAttribute('src')) },
    };
  },
  parseHTML() {
    return [
      {
        tag: 'img[src]',
        getAttrs: (el) => {
          const src = sameSiteImage(el.getAttribute('src'));
          return src ? { src } : false;
        },
      },
    ];
  },
}).configure({ inline: false, allowBase64: false });
