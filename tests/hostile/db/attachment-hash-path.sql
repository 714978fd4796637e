UPDATE attachments SET sha256 = '../../../../../../etc/passwd';
