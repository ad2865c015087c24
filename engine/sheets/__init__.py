"""Client sheets: consent, release from confidentiality, Art. 13 information and "Was ist KIM?" as
bilingual PDFs (German and the client's language) from translation catalogues (gettext ``.po``)."""
