"""CSV files as a contact source and a one-shot import: Google, Outlook, LinkedIn, Yahoo
exports recognised by their headers, any other CSV through a column mapping."""
