user_pref("mail.accountmanager.accounts", "account1");
/* Mozilla User Preferences
user_pref("a", 1);
