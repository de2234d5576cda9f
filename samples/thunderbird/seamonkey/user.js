/* Set by the department's setup script in 2006.
 * Keep the IMAP box on the campus server. */
user_pref('mail.server.server2.realhostname', 'imap.lboro.ac.uk');  // campus

# subscriptions keep the shared folders tidy
user_pref("mail.server.server2.using_subscription", true);
