"""``mailmigrate publish``: the service described once, by the policy, and rendered as the files mail
programs fetch to set themselves up (Thunderbird autoconfig, Outlook autodiscover, an Apple profile)
and as setup pages for people; and a small responder that answers those requests per address."""
