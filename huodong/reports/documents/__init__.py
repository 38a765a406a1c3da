"""The office's report documents: text drafted from the campaign's figures (`drafting`) and the
.docx files in official layout (`docx`)."""
