"""The ``sowtrack`` commands, one module per group: each has ``add_parsers(sub, group,
cmd)`` (its parsers, in the order of ``--help``) and the ``do_*`` functions they call.
tui.cli puts them together and prints errors."""
