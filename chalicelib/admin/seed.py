"""The sandbox seed data set: a few clients and 24 sales professionals across industries.

Idempotent: accounts are keyed by their email; a second run creates nothing new. The demo
accounts' secrets are rotated on each run so the printed credentials always work (secrets are
stored hashed and cannot be shown again).
"""
from __future__ import annotations

from typing import Any

DOMAIN = "sandbox.leadnod.test"
CLIENTS = [
    ("demo-client", "Jane Doe", "Acme Corp", "saas"),
    ("northwind", "Nora Winds", "Northwind Health", "healthcare"),
    ("globex", "Hank Scorpio", "Globex Fintech", "fintech"),
]
# name, industry, headline, skills, years, location, availability, compensation models
PROS = [
    ("Alex Rivera", "saas", "Enterprise AE, $2M quota carrier", ["enterprise sales", "negotiation", "salesforce"], 9, "Austin, TX", "available", ["hybrid", "commission"]),
    ("Priya Shah", "saas", "SDR leader building outbound engines", ["cold calling", "outbound", "hubspot"], 5, "Remote", "available", ["commission"]),
    ("Marcus Lee", "fintech", "Fintech partnerships and BD", ["partnerships", "negotiation", "payments"], 11, "New York, NY", "limited", ["base", "hybrid"]),
    ("Sofia Rossi", "healthcare", "Medical device sales specialist", ["medical devices", "hospital sales", "demos"], 8, "Boston, MA", "available", ["hybrid"]),
    ("Daniel Kim", "ecommerce", "Shopify app partner sales", ["ecommerce", "smb sales", "demos"], 4, "Seattle, WA", "available", ["commission"]),
    ("Fatima Noor", "cybersecurity", "Security SaaS enterprise AE", ["enterprise sales", "security", "meddic"], 10, "Remote", "available", ["hybrid", "base"]),
    ("Tom Becker", "manufacturing", "Industrial equipment field sales", ["field sales", "negotiation", "rfp"], 15, "Chicago, IL", "limited", ["base"]),
    ("Lena Novak", "real_estate", "Commercial real estate broker", ["commercial real estate", "negotiation"], 12, "Miami, FL", "available", ["commission"]),
    ("Omar Haddad", "insurance", "Group benefits sales", ["insurance", "b2b sales", "renewals"], 7, "Dallas, TX", "available", ["hybrid"]),
    ("Grace Liu", "education", "EdTech district sales", ["edtech", "public sector", "demos"], 6, "Remote", "unavailable", ["base"]),
    ("Ethan Brooks", "saas", "Mid-market AE and closer", ["mid-market", "demos", "salesforce"], 3, "Denver, CO", "available", ["commission", "hybrid"]),
    ("Chiara Bianchi", "media", "Ad sales and sponsorships", ["advertising", "sponsorships"], 9, "Los Angeles, CA", "available", ["commission"]),
    ("Kwame Mensah", "logistics", "Freight and 3PL sales", ["logistics", "cold calling", "negotiation"], 8, "Atlanta, GA", "limited", ["hybrid"]),
    ("Hana Sato", "telecom", "Carrier and enterprise telecom sales", ["telecom", "enterprise sales"], 13, "San Jose, CA", "available", ["base", "hybrid"]),
    ("Lucas Silva", "energy", "Solar commercial sales", ["solar", "field sales", "proposals"], 5, "Phoenix, AZ", "available", ["commission"]),
    ("Emma Johansson", "retail", "Retail buyer relationships", ["retail", "account management"], 7, "Minneapolis, MN", "available", ["base"]),
    ("Noah Cohen", "fintech", "Payments SaaS AE", ["payments", "saas", "negotiation"], 6, "Remote", "available", ["hybrid"]),
    ("Aisha Bello", "professional_services", "Consulting services BD", ["consulting", "proposals", "rfp"], 10, "Washington, DC", "available", ["hybrid"]),
    ("Mateo Garcia", "marketing", "Agency new business lead", ["agency sales", "proposals", "demos"], 8, "Remote", "limited", ["commission", "hybrid"]),
    ("Yuki Tanaka", "saas", "PLG expansion and upsell", ["expansion", "account management", "hubspot"], 4, "Remote", "available", ["commission"]),
    ("Olivia Brown", "healthcare", "Healthcare IT enterprise sales", ["healthcare it", "enterprise sales", "meddic"], 14, "Nashville, TN", "available", ["base", "hybrid"]),
    ("Ivan Petrov", "cybersecurity", "Channel and MSP sales", ["channel sales", "security", "partnerships"], 9, "Remote", "available", ["hybrid"]),
    ("Zara Ahmed", "ecommerce", "DTC brand partnerships", ["partnerships", "ecommerce", "negotiation"], 5, "London, UK", "available", ["commission"]),
    ("Ben Carter", "manufacturing", "OEM components sales", ["oem", "field sales", "rfp"], 18, "Detroit, MI", "unavailable", ["base"]),
]


def _slug(name: str) -> str:
    return name.lower().replace(" ", ".")


def _ensure(services: Any, email: str, **fields: Any) -> tuple[str, bool]:
    existing = services.users_repo.user_id_for_email(email)
    if existing:
        return existing, False
    created = services.accounts.create_account(email=email, **fields)
    return created.user.id, True


def _credentials(services: Any, user_id: str) -> dict[str, str]:
    client_id = services.users_repo.client_ids_for(user_id)[0]
    return {"user_id": user_id, "client_id": client_id,
            "client_secret": services.oauth.rotate_secret(client_id, grace_seconds=0)}


def load_seed(services: Any) -> dict[str, Any]:
    created = 0
    client_ids = []
    for slug, name, company, industry in CLIENTS:
        user_id, new = _ensure(services, f"{slug}@{DOMAIN}", user_type="client", name=name,
                               company=company, industry=industry, plan="professional")
        client_ids.append(user_id)
        created += new
    pro_ids = []
    for name, industry, headline, skills, years, location, availability, models in PROS:
        user_id, new = _ensure(
            services, f"{_slug(name)}@{DOMAIN}", user_type="sales_pro", name=name,
            industry=industry, plan="professional",
            profile={"headline": headline, "skills": skills, "years_experience": years,
                     "location": location, "availability": availability,
                     "compensation_models": models, "languages": ["en"],
                     "bio": f"{headline}. {years} years in {industry.replace('_', ' ')}."})
        pro_ids.append(user_id)
        created += new
    return {"created_accounts": created, "clients": len(client_ids), "sales_pros": len(pro_ids),
            "demo_client": _credentials(services, client_ids[0]),
            "demo_sales_pro": _credentials(services, pro_ids[0])}
