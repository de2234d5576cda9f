// mailmigrate's test oracle: have Thunderbird run thunderbird-oracle.cfg (as mailmigrate-oracle.cfg)
// at start-up.  The script does nothing unless its environment variable is set.
pref("general.config.filename", "mailmigrate-oracle.cfg");
pref("general.config.obscure_value", 0);
pref("general.config.sandbox_enabled", false);
pref("browser.dom.window.dump.enabled", true);
