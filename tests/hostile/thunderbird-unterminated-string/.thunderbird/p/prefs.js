user_pref("mail.accountmanager.accounts", "account1");
user_pref("mail.server.server1.hostname", "imap.lboro.ac.uk);
