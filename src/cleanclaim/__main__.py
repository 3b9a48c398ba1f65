"""``python -m cleanclaim`` runs the command line."""

from cleanclaim.cli.app import main

if __name__ == "__main__":
    main()
