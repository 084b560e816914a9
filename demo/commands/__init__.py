"""The command line: each subcommand's parser and ``main`` (``live``, ``render``, ``bench``, ``soak``)
and the parser helpers they share (:mod:`demo.commands.options`). ``demo.cli`` dispatches here."""
