# SPDX-License-Identifier: Apache-2.0
# Decodes one RFC 5322 message with Python's own email package (an independent parser), for
# the notify tests: prints the decoded Subject, From display name and address, Message-ID,
# Content-Type, and then the decoded body, one per line (body last, CRLF turned into LF).
import email
import email.policy
import sys

with open(sys.argv[1], "rb") as f:
    message = email.message_from_binary_file(f, policy=email.policy.default)
sender = message["from"].addresses[0]
print(message["subject"])
print(sender.display_name)
print(sender.addr_spec)
print(message["message-id"])
print(message.get_content_type() + ";" + message.get_content_charset())
sys.stdout.write(message.get_content().replace("\r\n", "\n"))
