from mockpost.cli import main

raise SystemExit(main())
