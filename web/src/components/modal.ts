// A small modal dialog asking for a name, to save a query, a chart or a dashboard under it.

import { h } from "../dom";

export interface AskOptions {
  placeholder?: string;
  /// An empty answer is allowed (it clears what the dialog sets).
  optional?: boolean;
}

/// Ask for a name and call `save` with it; a failure (a name taken) is shown in the dialog, which stays
/// open. Resolves to what `save` returned, or null when cancelled (Escape, Cancel, a click outside).
export function askName<T>(title: string, initial: string, save: (name: string) => Promise<T>, options: AskOptions = {}): Promise<T | null> {
  return new Promise((resolve) => {
    const input = h("input", { type: "text", value: initial, placeholder: options.placeholder ?? "Name", class: "modal-input" });
    const error = h("div", { class: "modal-error" });
    const submitButton = h("button", { type: "submit", class: "primary" }, "Save");
    const close = (value: T | null) => {
      backdrop.remove();
      resolve(value);
    };
    const submit = async () => {
      const name = input.value.trim();
      if (!name && !options.optional) {
        error.textContent = "A name is required.";
        input.focus();
        return;
      }
      submitButton.disabled = true;
      try {
        close(await save(name));
      } catch (e) {
        error.textContent = (e as Error).message;
        submitButton.disabled = false;
        input.focus();
      }
    };
    const form = h(
      "form",
      { class: "modal", onsubmit: (e: Event) => (e.preventDefault(), void submit()) },
      h("h2", null, title),
      input,
      error,
      h("div", { class: "modal-actions" }, h("button", { type: "button", onclick: () => close(null) }, "Cancel"), submitButton),
    );
    // Listeners, not on* properties: those cancel the event when they return false.
    const backdrop = h("div", { class: "modal-backdrop" }, form);
    backdrop.addEventListener("click", (e) => {
      if (e.target === backdrop) close(null);
    });
    backdrop.addEventListener("keydown", (e) => {
      if (e.key === "Escape") close(null);
    });
    document.body.appendChild(backdrop);
    input.focus();
    input.select();
  });
}
