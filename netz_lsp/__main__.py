from netz_lsp.cli import main

raise SystemExit(main())
