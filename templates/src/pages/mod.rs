//! One function per page. Each takes the request's [`Chrome`](crate::Chrome) and the page's
//! own view struct, and returns a complete HTML document.

mod account;
pub mod analytics;
mod auth;
mod catalogue;
pub mod challenges;
pub mod declarations;
mod errors;
mod home;
mod import;
mod jobs;
mod network;
mod reseller;
mod reseller_form;
mod users;

pub use account::{account, AccountView};
pub use analytics::{dashboard, map_page, rep_page};
pub use auth::{
    forgot_password, forgot_password_sent, link_invalid, login, set_password, ForgotPasswordView,
    LoginError, LoginView, SetPasswordPurpose, SetPasswordView,
};
pub use catalogue::{
    catalogue_list, product_detail, CatalogueFilters, CatalogueListView, ProductDetailView,
    ProductRow,
};
pub use declarations::{
    api_tokens, declarations_list, draft_page, drafts_page, import_detail, imports_list,
    preview_page, reviews_page, upload_page,
};
pub use errors::{bad_request, forbidden, not_found, refused, server_error, unavailable};
pub use home::{
    reseller_home, NextDeclaration, RecentSubmission, ResellerHomeView, SubmissionKind,
};
pub use import::{import_page, ExpectedColumn, ImportKind, ImportReport, ImportView};
pub use jobs::{
    job_label, jobs_list, unsubscribe, JobRunRow, JobScheduleRow, JobsView, RunOutcome,
    UnsubscribeView,
};
pub use network::{network_list, NetworkFilters, NetworkListView, ResellerRow};
pub use reseller::{
    reseller_detail, reseller_profile, OrgUser, ProfileView, ResellerAttributes, ResellerDetailView,
};
pub use reseller_form::{reseller_form, FormMode, ResellerFormValues, ResellerFormView};
pub use users::{users_list, InviteFormValues, UserRow, UsersView};
