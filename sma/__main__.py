"""`python -m sma` runs the command line."""

from sma.cli import main

main()
