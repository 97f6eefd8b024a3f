/** `client.messages`: send, conversations and notification preferences. */
import type { LeadNod } from "../client.js";
import { pathId, type RequestOptions } from "../core/http.js";
import type { PagePromise } from "../core/pagination.js";
import type {
  ConversationSummary, ConversationSummaryPage, ListConversationsQuery, Message, MessagePage,
  NotificationPreferences, PreferencesUpdate, ReadConversationQuery, SendMessage,
} from "../generated/openapi.js";
import { APIResource } from "./resource.js";

/** `client.messages.conversations`. */
export class Conversations extends APIResource {
  /** The caller's conversations, latest activity first (`GET /v1/messages/conversations`). */
  list(query: ListConversationsQuery = {}, options?: RequestOptions): PagePromise<ConversationSummary, ConversationSummaryPage> {
    return this._list("/messages/conversations", query, options);
  }

  /** A conversation's messages, oldest first; reading marks them read (`GET /v1/messages/conversations/{id}`). */
  retrieve(conversationId: string, query: ReadConversationQuery = {}, options?: RequestOptions): PagePromise<Message, MessagePage> {
    return this._list(`/messages/conversations/${pathId(conversationId, "conversationId")}`, query, options);
  }
}

/** `client.messages.preferences`: when LeadNod emails you about messages. */
export class Preferences extends APIResource {
  /** `GET /v1/messages/preferences`. */
  retrieve(options?: RequestOptions): Promise<NotificationPreferences> {
    return this._get("/messages/preferences", undefined, options);
  }

  /** Change the fields given (`PATCH /v1/messages/preferences`). */
  update(body: PreferencesUpdate, options?: RequestOptions): Promise<NotificationPreferences> {
    return this._patch("/messages/preferences", body, options);
  }
}

export class Messages extends APIResource {
  readonly conversations: Conversations;
  readonly preferences: Preferences;

  constructor(client: LeadNod) {
    super(client);
    this.conversations = new Conversations(client);
    this.preferences = new Preferences(client);
  }

  /** Send a message to `recipient_id` or into `conversation_id` (`POST /v1/messages/send`). */
  send(body: SendMessage, options?: RequestOptions): Promise<Message> {
    return this._post("/messages/send", body, options);
  }
}
