//! The portal's stylesheet, inlined in every page and allowed by its hash in
//! the CSP (no inline styles elsewhere, no external requests).

use aws_lc_rs::digest;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

const BASE: &str = r#"
*,*::before,*::after{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2327;background:#f4f6f8}
a{color:var(--brand)}
a:focus-visible,button:focus-visible,input:focus-visible{outline:3px solid #f0b400;outline-offset:2px}
.skip{position:absolute;left:-9999px}
.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem;z-index:10}
.topbar{display:flex;align-items:center;justify-content:space-between;gap:1rem;padding:.75rem 1.5rem;background:var(--brand);color:#fff}
.topbar a,.topbar button{color:#fff}
.brand{font-weight:700;font-size:1.1rem;display:flex;align-items:center;gap:.5rem}
.brand img{height:32px}
.who{display:flex;align-items:center;gap:1rem}
.staffbar{display:flex;align-items:center;gap:1rem;flex-wrap:wrap;margin-bottom:1rem}
.staffbar form{margin:0}
code.link{word-break:break-all}
.linkbutton{background:none;border:1px solid currentColor;border-radius:4px;padding:.25rem .75rem;font:inherit;cursor:pointer}
.shell{display:flex;min-height:calc(100vh - 60px)}
.sidebar{width:15rem;flex:none;background:#fff;border-right:1px solid #dde3e8;padding:1rem 0}
.sidebar ul{list-style:none;margin:0;padding:0}
.sidebar a{display:block;padding:.5rem 1.5rem;color:#1d2327;text-decoration:none}
.sidebar a:hover{background:#eef2f5}
.sidebar a[aria-current=page]{border-left:4px solid var(--brand);font-weight:700;background:#eef2f5}
main{flex:1;padding:1.5rem 2rem;max-width:70rem}
.narrow{max-width:32rem;margin:3rem auto;background:#fff;padding:2rem;border-radius:8px;border:1px solid #dde3e8}
h1{font-size:1.6rem;margin:.25rem 0 1rem}
h2{font-size:1.2rem;margin:1.5rem 0 .5rem}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(12rem,1fr));gap:1rem;margin:0 0 1rem;padding:0;list-style:none}
.card{background:#fff;border:1px solid #dde3e8;border-radius:8px;padding:1rem}
.card .figure{font-size:1.4rem;font-weight:700;display:block}
.card.alert{border-color:#b3261e}
.card.alert .figure{color:#b3261e}
table{width:100%;border-collapse:collapse;background:#fff;border:1px solid #dde3e8}
caption{text-align:left;font-weight:700;padding:.5rem 0}
th,td{padding:.5rem .75rem;border-bottom:1px solid #e5e9ed;text-align:left;vertical-align:top}
th{background:#eef2f5;font-weight:600}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.badge{display:inline-block;padding:.1rem .5rem;border-radius:999px;font-size:.85rem;background:#e3e8ec;color:#1d2327}
.badge.overdue,.badge.expired,.badge.rejected,.badge.void,.badge.cancelled{background:#fde7e5;color:#8c1d18}
.badge.paid,.badge.accepted,.badge.delivered,.badge.received,.badge.confirmed,.badge.invoiced,.badge.refunded{background:#ddf2e3;color:#155d2b}
.filters ul{display:flex;flex-wrap:wrap;gap:.5rem;list-style:none;padding:0;margin:0 0 1rem}
.filters a{display:inline-block;padding:.25rem .75rem;border:1px solid #b8c2cc;border-radius:999px;text-decoration:none;color:#1d2327;background:#fff}
.filters a[aria-current=page]{background:var(--brand);border-color:var(--brand);color:#fff}
.pager{display:flex;gap:1rem;margin:1rem 0}
.parties{display:grid;grid-template-columns:1fr 1fr;gap:1rem;margin-bottom:1rem}
.party{background:#fff;border:1px solid #dde3e8;border-radius:8px;padding:1rem}
.party h2{margin-top:0;font-size:1rem}
.facts{display:flex;flex-wrap:wrap;gap:2rem;margin:0 0 1rem}
.facts dt{font-size:.85rem;color:#4a5560}
.facts dd{margin:0;font-weight:600}
.totals{margin:1rem 0 0 auto;max-width:24rem;background:#fff;border:1px solid #dde3e8;border-radius:8px;padding:1rem}
.totals div{display:flex;justify-content:space-between;gap:1rem}
.totals dt,.totals dd{margin:0}
.totals .grand{font-weight:700;font-size:1.15rem;border-top:1px solid #dde3e8;margin-top:.5rem;padding-top:.5rem}
.notice{background:#fff8e1;border:1px solid #f0d27a;border-radius:8px;padding:.75rem 1rem}
.error{color:#8c1d18;font-weight:600}
form.stack{display:flex;flex-direction:column;gap:.75rem}
label{font-weight:600}
input[type=email]{font:inherit;padding:.6rem;border:1px solid #8a96a3;border-radius:4px}
.button{display:inline-block;font:inherit;font-weight:600;background:var(--brand);color:#fff;border:0;border-radius:4px;padding:.6rem 1.2rem;cursor:pointer;text-decoration:none}
.button.secondary{background:#fff;color:var(--brand);border:1px solid var(--brand)}
.actions{display:flex;gap:.75rem;margin:0 0 1rem}
.answer{background:#fff;border:1px solid #dde3e8;border-radius:8px;padding:1rem;margin:1rem 0}
.answer form{margin-bottom:1rem}
textarea,input[type=text],input[type=date]{font:inherit;padding:.6rem;border:1px solid #8a96a3;border-radius:4px}
.comment-body{white-space:pre-wrap;margin:.25rem 0 0}
.activity{list-style:none;padding:0;margin:0;background:#fff;border:1px solid #dde3e8;border-radius:8px}
.activity li{padding:.5rem 1rem;border-bottom:1px solid #e5e9ed}
.activity time{color:#4a5560;font-size:.85rem;margin-right:.75rem}
.muted{color:#4a5560}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.heading-row{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:1rem}
nav.filters{display:flex;flex-wrap:wrap;gap:.5rem;margin:0 0 1rem}
form.search{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem;margin:0 0 1rem}
input[type=search]{font:inherit;padding:.6rem;border:1px solid #8a96a3;border-radius:4px;min-width:16rem}
.products{list-style:none;padding:0;margin:0;display:grid;gap:.75rem}
.product{display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-start;background:#fff;border:1px solid #dde3e8;border-radius:8px;padding:1rem}
.product img{border-radius:4px;object-fit:cover}
.product-body{flex:1;min-width:14rem}
.product h3{margin:0;font-size:1.05rem}
.product p{margin:.25rem 0}
form.add,form.inline{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem}
.notice.error{background:#fde7e5;border-color:#e8a19b}
footer{padding:1rem 1.5rem;color:#4a5560;font-size:.85rem}
@media (max-width:48rem){.shell{flex-direction:column}.sidebar{width:auto}.parties{grid-template-columns:1fr}main{padding:1rem}}
@media print{
 body{background:#fff;font-size:11pt}
 .topbar,.sidebar,.skip,.print-hint,.pager,.filters,footer,.linkbutton,.no-print{display:none!important}
 main{padding:0;max-width:none}
 table,.party,.totals{border-color:#999}
 a{color:inherit;text-decoration:none}
 tr{break-inside:avoid}
 thead{display:table-header-group}
}
"#;

/// The stylesheet with the business's brand colour, and its CSP hash.
pub fn stylesheet(brand_colour: &str) -> (String, String) {
    // The colour is a validated `#rrggbb`, never free text.
    let css = format!(":root{{--brand:{brand_colour}}}{BASE}");
    let hash = STANDARD.encode(digest::digest(&digest::SHA256, css.as_bytes()).as_ref());
    (css, hash)
}
