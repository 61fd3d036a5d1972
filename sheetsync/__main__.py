"""`python -m sheetsync` is the `sheetsync` command."""
from .cli import main

main()
