//! UI strings of access and resilience as `(key, English, French)`: refused or throttled
//! requests, the "temporarily unavailable" page, and the tenant's user access.

pub(super) const ENTRIES: &[(&str, &str, &str)] = &[
    ("error_page.unavailable", "Temporarily unavailable", "Service momentanément indisponible"),
    ("error_page.unavailable_text", "Relais cannot reach its database right now. Nothing you did is lost: try again in a moment.", "Relais ne parvient pas à joindre sa base de données pour le moment. Rien de ce que vous avez fait n’est perdu\u{A0}: réessayez dans un instant."),
    ("error_page.refused", "Request refused", "Requête refusée"),
    ("error.too_large", "This request is too large.", "Cette requête est trop volumineuse."),
    ("error.body_timeout", "The request took too long to arrive. Check your connection and try again.", "La requête a mis trop de temps à arriver. Vérifiez votre connexion et réessayez."),
    ("error.too_many_uploads", "Too many uploads at once: wait until your other uploads are finished, then try again.", "Trop d’envois simultanés\u{A0}: attendez la fin de vos autres envois, puis réessayez."),
    ("error.too_many_requests", "Too many requests. Please wait a few minutes and try again.", "Trop de demandes. Patientez quelques minutes puis réessayez."),
    ("password.too_many", "Too many wrong passwords. Please wait a few minutes and try again.", "Trop de mots de passe erronés. Patientez quelques minutes puis réessayez."),
    ("users.access_granted", "Access to this network granted to", "Accès à ce réseau accordé à"),
    ("users.access_removed", "Access to this network removed for", "Accès à ce réseau retiré pour"),
    ("users.remove_access", "Remove access", "Retirer l’accès"),
    ("users.other_organisation", "This person belongs to another organisation.", "Cette personne appartient à une autre organisation."),
    ("field.actions", "Actions", "Actions"),
];
