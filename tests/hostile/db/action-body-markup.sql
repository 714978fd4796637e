-- An action's body written straight into the database: markup, an
-- entity, a shortcode, a bare link and an escape character. An email
-- parses its list as Markdown with the rest (not literal text).
UPDATE actions
   SET body = '<script>alert(1)</script> **bold** &amp; :tada: www.example.com ' || char(27) || '[2J'
 WHERE id = '233270be6d534519aae63c7eb739c954';
