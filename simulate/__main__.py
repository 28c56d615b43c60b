"""``python -m simulate`` is the ``talentsim`` command."""

from simulate.cli.main import main

if __name__ == "__main__":
    main()
