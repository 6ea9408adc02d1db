"""The old home of the forms, kept so that old imports still work; they live in
:mod:`tui.widgets.form` (screens never import each other)."""

from tui.widgets.form import ConfirmScreen, Field, FieldForm, FormScreen, push_form

__all__ = ["ConfirmScreen", "Field", "FieldForm", "FormScreen", "push_form"]
