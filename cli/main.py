"""``arshif``: the command-line entry point. Each command lives in its own
module; this one only assembles them."""

from __future__ import annotations

import typer

from cli import delete_cmd, eval_cmd, index_cmd, reindex_cmd, search_cmd, serve_cmd, stats_cmd

app = typer.Typer(
    help="arshif: search Arabic news archives in Arabic or English.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # help texts mean their brackets literally
)
app.command("index")(index_cmd.index)
app.command("search")(search_cmd.search)
app.command("stats")(stats_cmd.stats)
app.command("serve")(serve_cmd.serve)
app.command("reindex")(reindex_cmd.reindex)
app.command("delete")(delete_cmd.delete)
app.command("eval")(eval_cmd.eval_)


if __name__ == "__main__":
    app()
