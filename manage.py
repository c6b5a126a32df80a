#!/usr/bin/env python
import sys

from beacon.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], prog="manage.py"))
