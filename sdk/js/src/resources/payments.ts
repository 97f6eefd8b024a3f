/**
 * `client.payments`: escrow (fund, release, refund, dispute), history, balances, disputes.
 * Every escrow call moves money, so it is sent with an Idempotency-Key (yours, or one made per
 * call and reused by its retries): the API moves the money once. Amounts are minor units.
 */
import type { LeadNod } from "../client.js";
import { pathId, type RequestOptions } from "../core/http.js";
import type { PagePromise } from "../core/pagination.js";
import type {
  Dispute, DisputeEvidence, DisputeSummary, DisputeSummaryPage, EscrowBalance,
  EscrowBalanceQuery, FundEscrow, ListDisputesQuery, ListPaymentsQuery, OpenDispute, Payment,
  PaymentPage, RefundEscrow, ReleaseEscrow,
} from "../generated/openapi.js";
import { APIResource } from "./resource.js";

/** `client.payments.escrow`. */
export class Escrow extends APIResource {
  /** Charge the client and hold the money in escrow (`POST /v1/payments/escrow/fund`); usually `processing`. */
  fund(body: FundEscrow, options?: RequestOptions): Promise<Payment> {
    return this._post("/payments/escrow/fund", body, options);
  }

  /** Pay the sales professional from escrow (the client; `POST /v1/payments/escrow/release`). */
  release(body: ReleaseEscrow, options?: RequestOptions): Promise<Payment> {
    return this._post("/payments/escrow/release", body, options);
  }

  /** Return escrowed money to the client (`POST /v1/payments/escrow/refund`). */
  refund(body: RefundEscrow, options?: RequestOptions): Promise<Payment> {
    return this._post("/payments/escrow/refund", body, options);
  }

  /** Dispute an amount of the escrow, frozen until decided (`POST /v1/payments/escrow/dispute`). */
  dispute(body: OpenDispute, options?: RequestOptions): Promise<Dispute> {
    return this._post("/payments/escrow/dispute", body, options);
  }
}

const dispute = (id: string, tail = "") => `/payments/disputes/${pathId(id, "disputeId")}${tail}`;

/** `client.payments.disputes`. */
export class Disputes extends APIResource {
  /** The caller's disputes, newest first (`GET /v1/payments/disputes`). */
  list(query: ListDisputesQuery = {}, options?: RequestOptions): PagePromise<DisputeSummary, DisputeSummaryPage> {
    return this._list("/payments/disputes", query, options);
  }

  /** One dispute with its evidence (`GET /v1/payments/disputes/{id}`). */
  retrieve(disputeId: string, options?: RequestOptions): Promise<Dispute> {
    return this._get(dispute(disputeId), undefined, options);
  }

  /** Add evidence to an undecided dispute (`POST /v1/payments/disputes/{id}/evidence`). */
  addEvidence(disputeId: string, body: DisputeEvidence, options?: RequestOptions): Promise<Dispute> {
    return this._post(dispute(disputeId, "/evidence"), body, options);
  }

  /** Concede a dispute the other party opened, in full (`POST /v1/payments/disputes/{id}/accept`). */
  accept(disputeId: string, options?: RequestOptions): Promise<Dispute> {
    return this._post(dispute(disputeId, "/accept"), {}, options);
  }
}

export class Payments extends APIResource {
  readonly escrow: Escrow;
  readonly disputes: Disputes;

  constructor(client: LeadNod) {
    super(client);
    this.escrow = new Escrow(client);
    this.disputes = new Disputes(client);
  }

  /** Payment history, newest first (`GET /v1/payments`). */
  list(query: ListPaymentsQuery = {}, options?: RequestOptions): PagePromise<Payment, PaymentPage> {
    return this._list("/payments", query, options);
  }

  /** One payment (`GET /v1/payments/{id}`): follow a `processing` one until it settles. */
  retrieve(paymentId: string, options?: RequestOptions): Promise<Payment> {
    return this._get(`/payments/${pathId(paymentId, "paymentId")}`, undefined, options);
  }

  /** An engagement's escrow, or the caller's totals (`GET /v1/payments/balance`). */
  balance(query: EscrowBalanceQuery = {}, options?: RequestOptions): Promise<EscrowBalance> {
    return this._get("/payments/balance", query, options);
  }
}
