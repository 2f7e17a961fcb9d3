-- One application per child: a birth certificate number is in at most one application that
-- was not refused (a refused family may apply again). Twins have two certificates.
CREATE UNIQUE INDEX newborn_applications_once ON newborn_applications (birth_certificate_no)
    WHERE status <> 'refused' AND birth_certificate_no IS NOT NULL;
