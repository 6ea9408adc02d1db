"""A table read page by page (the journal, the history): it says when the user pushes
against the end of the rows loaded so far."""

from __future__ import annotations

from textual.message import Message
from textual.widgets import DataTable


class PagedTable(DataTable):
    """A table that says when the user pushes against the end of the loaded rows.

    Moving down at the last row does not move the cursor (so no RowHighlighted): these
    keys still have to ask for the next page.
    """

    class WantsMore(Message):
        pass

    def action_cursor_down(self) -> None:
        super().action_cursor_down()
        self.post_message(self.WantsMore())

    def action_page_down(self) -> None:
        super().action_page_down()
        self.post_message(self.WantsMore())

    def action_scroll_bottom(self) -> None:
        super().action_scroll_bottom()
        self.post_message(self.WantsMore())
