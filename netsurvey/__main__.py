from netsurvey.cli import main

raise SystemExit(main())
