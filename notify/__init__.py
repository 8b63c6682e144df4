"""`sunbeon notify`: staged 알림톡/SMS and Web Push messages to visitors who left the ticket page."""
