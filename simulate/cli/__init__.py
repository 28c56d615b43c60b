"""The talentsim command line: one module per subcommand (see :mod:`simulate.cli.main`)."""
