/**
 * What QQ's message buttons must look like (tencent-connect/bot-docs, server-inter/message/trans/msg-btn.md): a
 * keyboard only under a markdown message (msg_type 2), at most 5 rows of at most 5 buttons; each button with
 * `render_data.label`, `visited_label` and `style` (0 or 1), `action.type` (0 link, 1 callback, 2 command),
 * `action.permission.type` (0-3), `action.data` and `action.unsupport_tips`; ids unique in the keyboard.
 * Returns why QQ would refuse the message, or undefined.
 */
export function keyboardProblem(body: Record<string, any>): string | undefined {
  const keyboard = body.keyboard;
  if (keyboard === undefined) return undefined;
  if (body.msg_type !== 2 || typeof body.markdown?.content !== "string") return "a keyboard needs a markdown message (msg_type 2)";
  const rows = keyboard?.content?.rows;
  if (!Array.isArray(rows) || rows.length === 0 || rows.length > 5) return "keyboard.content.rows: 1 to 5 rows";
  const ids = new Set<string>();
  for (const row of rows) {
    if (!Array.isArray(row?.buttons) || row.buttons.length === 0 || row.buttons.length > 5) return "a row has 1 to 5 buttons";
    for (const button of row.buttons) {
      const { render_data: render, action } = button ?? {};
      if (typeof render?.label !== "string" || typeof render?.visited_label !== "string" || ![0, 1].includes(render?.style)) return "render_data needs label, visited_label and style 0 or 1";
      if (![0, 1, 2].includes(action?.type) || ![0, 1, 2, 3].includes(action?.permission?.type)) return "action.type and action.permission.type are required";
      if (typeof action?.data !== "string" || typeof action?.unsupport_tips !== "string") return "action.data and action.unsupport_tips are required";
      if (button.id !== undefined) {
        if (ids.has(String(button.id))) return "button ids must be unique in a keyboard";
        ids.add(String(button.id));
      }
    }
  }
  return undefined;
}
