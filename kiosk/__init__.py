"""The kiosk: a touch screen where visitors take a numbered ticket, printed on a thermal printer."""
