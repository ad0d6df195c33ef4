// A small modal form on the native <dialog> element: showModal() keeps focus inside, Esc
// cancels, and the browser returns focus to the opener when it closes. Appended to <body>,
// outside the article's <form>, so its buttons never submit the article.

let counter = 0;

/**
 * Asks for a few values. fields: [{name, label, type ('text' | 'file' | 'url'), required,
 * accept, value, inputmode}]. validate(values) returns an error text or '' (shown in the
 * dialog, focus moved to the field named by the second return value when given).
 * Resolves to the values (files as File) or null when cancelled.
 */
export function askDialog({ title, fields, submitLabel, cancelLabel, validate, className = '' }) {
  const id = `vp-rte-dialog-${++counter}`;
  const dialog = document.createElement('dialog');
  dialog.className = `rte-dialog ${className}`.trim();
  dialog.setAttribute('aria-labelledby', `${id}-title`);
  const form = document.createElement('form');
  form.method = 'dialog';
  form.noValidate = true; // our own messages, in the page's language
  const h = document.createElement('h2');
  h.id = `${id}-title`;
  h.textContent = title;
  form.appendChild(h);

  const inputs = {};
  for (const f of fields) {
    const label = document.createElement('label');
    label.className = 'rte-field';
    const text = document.createElement('span');
    text.textContent = f.label;
    const input = document.createElement('input');
    input.type = f.type || 'text';
    input.name = f.name;
    input.id = `${id}-${f.name}`;
    if (f.accept) input.accept = f.accept;
    if (f.inputmode) input.inputMode = f.inputmode;
    if (f.required) input.setAttribute('aria-required', 'true');
    if (f.value && input.type !== 'file') input.value = f.value;
    if (input.type !== 'file') input.autocomplete = 'off';
    label.append(text, input);
    form.appendChild(label);
    inputs[f.name] = input;
  }
  const error = document.createElement('p');
  error.className = 'rte-dialog-error';
  error.id = `${id}-error`;
  error.setAttribute('role', 'alert');
  form.appendChild(error);

  const buttons = document.createElement('div');
  buttons.className = 'rte-dialog-buttons';
  const ok = document.createElement('button');
  ok.type = 'submit';
  ok.value = 'ok';
  ok.textContent = submitLabel;
  ok.dataset.dialog = 'ok';
  const cancel = document.createElement('button');
  cancel.type = 'button';
  cancel.className = 'secondary';
  cancel.textContent = cancelLabel;
  cancel.dataset.dialog = 'cancel';
  buttons.append(ok, cancel);
  form.appendChild(buttons);
  dialog.appendChild(form);
  document.body.appendChild(dialog);

  return new Promise((resolve) => {
    let result = null;
    const values = () => {
      const v = {};
      for (const [name, input] of Object.entries(inputs)) {
        v[name] = input.type === 'file' ? (input.files && input.files[0]) || null : input.value.trim();
      }
      return v;
    };
    form.addEventListener('submit', (e) => {
      const v = values();
      const problem = validate ? validate(v) : '';
      const [message, field] = Array.isArray(problem) ? problem : [problem, null];
      if (message) {
        e.preventDefault();
        error.textContent = message;
        for (const input of Object.values(inputs)) input.removeAttribute('aria-invalid');
        const bad = field && inputs[field];
        if (bad) {
          bad.setAttribute('aria-invalid', 'true');
          bad.setAttribute('aria-describedby', error.id);
          bad.focus();
        }
        return;
      }
      result = v; // the form's method=dialog closes the dialog
    });
    cancel.addEventListener('click', () => dialog.close());
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(result);
    });
    dialog.showModal();
    const first = Object.values(inputs)[0];
    if (first) first.focus();
  });
}
