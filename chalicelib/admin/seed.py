"""The sandbox seed data set: a few clients, 24 sales professionals across industries and a few
open opportunities from the clients (matched by the matching worker once the stack runs).

Idempotent: accounts are keyed by their email, opportunities by a fixed id derived from their
client and title; a second run creates nothing new. The demo
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


# Open opportunities of the seed clients: (client slug, body of POST /v1/opportunities).
OPPORTUNITIES: list[tuple[str, dict[str, Any]]] = [
    ("demo-client", {"title": "Enterprise Account Executive", "industry": "saas",
                     "description": "Own the enterprise pipeline for our CRM add-on.",
                     "compensation_model": "hybrid",
                     "base_salary_range": {"min": 80000, "max": 120000}, "commission_rate": 0.10,
                     "duration": "ongoing",
                     "requirements": ["5+ years experience", "Enterprise sales", "Salesforce"]}),
    ("demo-client", {"title": "Outbound SDR (commission only)", "industry": "saas",
                     "description": "Book qualified meetings with mid-market ops leaders.",
                     "compensation_model": "commission", "commission_rate": 0.15,
                     "duration": "3_months", "requirements": ["Cold calling", "Outbound"]}),
    ("northwind", {"title": "Medical Device Sales Specialist", "industry": "healthcare",
                   "description": "Introduce our monitoring devices to hospital networks.",
                   "compensation_model": "hybrid",
                   "base_salary_range": {"min": 70000, "max": 95000}, "commission_rate": 0.08,
                   "duration": "12_months",
                   "requirements": ["3+ years experience", "Hospital sales", "Medical devices"]}),
    ("globex", {"title": "Payments Partnerships Manager", "industry": "fintech",
                "description": "Sign acquiring banks and PSPs as partners.",
                "compensation_model": "base", "base_salary_range": {"min": 110000, "max": 140000},
                "duration": "ongoing", "requirements": ["Partnerships", "Payments", "Negotiation"]}),
]


def _fixed_id(prefix: str, *parts: str) -> str:
    """A stable id, so a second seed run finds what the first created."""
    import hashlib
    import string

    alphabet = string.digits + string.ascii_letters
    number = int.from_bytes(hashlib.sha256(":".join(parts).encode()).digest(), "big")
    chars = []
    for _ in range(22):
        number, digit = divmod(number, len(alphabet))
        chars.append(alphabet[digit])
    return f"{prefix}_{''.join(chars)}"


def _ensure_opportunities(services: Any, clients: dict[str, str]) -> int:
    from ..auth.caller import Caller
    from ..models.opportunities import OpportunityCreate

    created = 0
    for slug, body in OPPORTUNITIES:
        opp_id = _fixed_id("opp", "seed", slug, body["title"])
        if services.opportunities_repo.get(opp_id) is not None:
            continue
        owner = Caller(user_id=clients[slug], user_type="client", plan="professional",
                       scopes=frozenset({"write"}), client_id="seed")
        services.opportunities.create(owner, OpportunityCreate.model_validate(body),
                                      opportunity_id=opp_id)
        created += 1
    return created


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
    clients_by_slug = {}
    for slug, name, company, industry in CLIENTS:
        user_id, new = _ensure(services, f"{slug}@{DOMAIN}", user_type="client", name=name,
                               company=company, industry=industry, plan="professional")
        client_ids.append(user_id)
        clients_by_slug[slug] = user_id
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
    new_opportunities = _ensure_opportunities(services, clients_by_slug)
    return {"created_accounts": created, "clients": len(client_ids), "sales_pros": len(pro_ids),
            "created_opportunities": new_opportunities, "opportunities": len(OPPORTUNITIES),
            "demo_client": _credentials(services, client_ids[0]),
            "demo_sales_pro": _credentials(services, pro_ids[0])}
