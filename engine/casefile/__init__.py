"""The case file (Fallakte): case notes, documents of the case or a member, and the completed forms read back.

Notes' text and documents' bytes, titles and file names are client data, encrypted at rest
(engine/crypto.py); only the responsible case managers read them, and every reading is recorded.
Pseudonymised roles see that notes and documents exist (date, kind, who wrote them), never their content.
"""
