<?php

namespace LeadNod\Tests\Stack;

use LeadNod\Collection;
use LeadNod\Exception;
use LeadNod\LeadNodClient;
use LeadNod\LeadNodObject;

/** Every resource against the local stack, a client and a sales professional working together. */
final class ApiTest extends StackTestCase
{
    private static function opportunity(LeadNodClient $client): LeadNodObject
    {
        return $client->opportunities->create(['title' => self::unique('PHP AE '), 'industry' => 'saas',
            'compensation_model' => 'hybrid', 'commission_rate' => 0.1,
            'base_salary_range' => ['min' => 80000, 'max' => 120000]]);
    }

    private static function settled(LeadNodClient $client, LeadNodObject $payment): LeadNodObject
    {
        for ($i = 0; $payment->status === 'processing' && $i < 150; $i++) {
            usleep(200000);
            $payment = $client->payments->retrieve($payment->id);
        }
        return $payment;
    }

    public function test_users_profile_update_and_search(): void
    {
        $client = self::client();
        $me = $client->users->me();
        self::assertStringStartsWith('usr_', $me->id);
        self::assertSame('owner', $me['role']);
        $name = self::unique('PHP Owner ');
        self::assertSame($name, $client->users->updateMe(['name' => $name])->name);
        $pro = self::pro()->users->me();
        self::assertSame($pro->id, $client->users->retrieve($pro->id)->id);
        self::assertInstanceOf(Collection::class, $client->users->search(['industry' => 'saas', 'limit' => 2]));
    }

    public function test_opportunities_crud_bulk_paging_and_not_found(): void
    {
        $client = self::client();
        $opportunity = self::opportunity($client);
        self::assertSame('open', $opportunity->status);
        self::assertSame(80000, $opportunity->base_salary_range->min);
        self::assertSame('paused', $client->opportunities->update($opportunity->id, ['status' => 'paused'])->status);
        $bulk = $client->opportunities->bulkCreate(['opportunities' => [
            ['title' => self::unique('Bulk A '), 'industry' => 'saas'],
            ['title' => self::unique('Bulk B '), 'industry' => 'saas'],
        ]]);
        self::assertNotEmpty($bulk->toArray());
        $ids = [];
        foreach ($client->opportunities->all(['limit' => 1])->autoPagingIterator() as $item) {
            $ids[] = $item->id;
        }
        self::assertContains($opportunity->id, $ids);
        self::assertGreaterThanOrEqual(3, count($ids));
        $client->opportunities->delete($opportunity->id);
        try {
            $client->opportunities->retrieve($opportunity->id);
            self::fail('deleted, yet found');
        } catch (Exception\NotFoundException $e) {
            self::assertSame(404, $e->getStatus());
            self::assertNotNull($e->getRequestId());
        }
    }

    public function test_an_engagement_from_interest_to_dispute(): void
    {
        $client = self::client();
        $pro = self::pro();
        $proUser = $pro->users->me();
        $opportunity = self::opportunity($client);
        self::assertSame($opportunity->id, $pro->opportunities->expressInterest($opportunity->id,
            ['message' => 'Hello'])->opportunity_id);
        self::assertCount(1, $client->opportunities->interests($opportunity->id));
        self::assertInstanceOf(Collection::class, $client->opportunities->matches($opportunity->id, ['limit' => 3]));

        $engagement = $client->engagements->create(['opportunity_id' => $opportunity->id,
            'sales_pro_id' => $proUser->id]);
        self::assertSame('pending', $engagement->status);
        self::assertSame('active', $pro->engagements->start($engagement->id)->status);
        try {
            $pro->engagements->start($engagement->id);
            self::fail('started twice');
        } catch (Exception\ConflictException $e) {
            self::assertSame(409, $e->getStatus());
        }
        for ($i = 1; $i <= 3; $i++) {
            $pro->engagements->activities->log($engagement->id, ['type' => 'call', 'description' => "Call {$i}"]);
        }
        $descriptions = [];
        foreach ($client->engagements->activities->all($engagement->id, ['limit' => 2])->autoPagingIterator() as $activity) {
            $descriptions[] = $activity->description;
        }
        sort($descriptions);
        self::assertSame(['Call 1', 'Call 2', 'Call 3'], $descriptions);
        self::assertSame(3, $client->engagements->metrics($engagement->id)->activities_total);
        self::assertSame($engagement->id, $client->engagements->retrieve($engagement->id)->id);
        self::assertInstanceOf(Collection::class, $client->engagements->all(['opportunity_id' => $opportunity->id]));

        $funded = self::settled($client, $client->payments->escrow->fund(['engagement_id' => $engagement->id,
            'amount' => 10000, 'currency' => 'usd']));
        self::assertSame('succeeded', $funded->status);
        self::settled($client, $client->payments->escrow->release(['engagement_id' => $engagement->id, 'amount' => 2000]));
        self::settled($client, $client->payments->escrow->refund(['engagement_id' => $engagement->id, 'amount' => 1000,
            'reason' => 'Scope cut']));
        $dispute = $client->payments->escrow->dispute(['engagement_id' => $engagement->id, 'amount' => 1000,
            'reason' => 'Work not delivered']);
        self::assertStringStartsWith('dsp_', $dispute->id);
        $pro->payments->disputes->addEvidence($dispute->id, ['text' => 'Call logs attached.']);
        self::assertSame($dispute->id, $client->payments->disputes->retrieve($dispute->id)->id);
        self::assertGreaterThanOrEqual(1, count($client->payments->disputes->all(['engagement_id' => $engagement->id])));
        $pro->payments->disputes->accept($dispute->id);
        self::assertGreaterThanOrEqual(3, count($client->payments->all(['engagement_id' => $engagement->id])));
        self::assertSame(10000, $client->payments->balance(['engagement_id' => $engagement->id])->funded);
        self::assertNotNull($client->analytics->engagement($engagement->id)->toArray());
        self::assertSame('completed', $client->engagements->complete($engagement->id)->status);

        $second = $client->engagements->create(['opportunity_id' => $opportunity->id, 'sales_pro_id' => $proUser->id]);
        self::assertSame('terminated', $client->engagements->terminate($second->id, ['reason' => 'Not a fit'])->status);
    }

    public function test_team_members_have_their_own_credentials_and_roles(): void
    {
        $client = self::client();
        $added = $client->team->add(['name' => 'PHP Member', 'email' => self::unique('member') . '@example.com',
            'role' => 'member']);
        $member = new LeadNodClient(['base_url' => self::env('LEADNOD_BASE_URL'),
            'client_id' => $added->credentials->client_id, 'client_secret' => $added->credentials->client_secret]);
        self::assertSame('member', $member->users->me()->role);
        try {
            $member->team->add(['name' => 'X', 'email' => self::unique('x') . '@example.com', 'role' => 'admin']);
            self::fail('a member changed the team');
        } catch (Exception\PermissionDeniedException $e) {
            self::assertSame('insufficient_role', $e->getErrorCode());
        }
        self::assertSame('admin', $client->team->update($added->user->id, ['role' => 'admin'])->role);
        self::assertContains($added->user->id, array_map(static function ($user) {
            return $user->id;
        }, $client->team->all()->data));
        $rotated = $client->team->rotateCredentials($added->user->id, ['grace_seconds' => 0]);
        self::assertNotSame($added->credentials->client_secret, $rotated->client_secret);
        $client->team->remove($added->user->id);
        $this->expectException(Exception\AuthenticationException::class);
        (new LeadNodClient(['base_url' => self::env('LEADNOD_BASE_URL'),
            'client_id' => $added->credentials->client_id,
            'client_secret' => $added->credentials->client_secret]))->users->me();
    }

    public function test_ownership_moves_to_a_member_and_back(): void
    {
        $client = self::client();
        $added = $client->team->add(['name' => 'PHP Heir', 'email' => self::unique('heir') . '@example.com',
            'role' => 'admin']);
        self::assertSame('owner', $client->team->transferOwnership($added->user->id)->role);
        $heir = new LeadNodClient(['base_url' => self::env('LEADNOD_BASE_URL'),
            'client_id' => $added->credentials->client_id, 'client_secret' => $added->credentials->client_secret]);
        $me = $client->users->me();
        self::assertSame('admin', $me->role);
        self::assertSame('owner', $heir->team->transferOwnership($me->id)->role);
        $client->team->remove($added->user->id);
    }

    public function test_messages_analytics_webhooks_and_events(): void
    {
        $client = self::client();
        $pro = self::pro();
        $message = $client->messages->send(['recipient_id' => $pro->users->me()->id, 'body' => 'Hello from PHP']);
        $conversation = $pro->messages->conversations->retrieve($message->conversation_id);
        self::assertContains('Hello from PHP', array_map(static function ($m) {
            return $m->body;
        }, iterator_to_array($conversation->autoPagingIterator(), false)));
        self::assertGreaterThanOrEqual(1, count($pro->messages->conversations->all()));
        self::assertSame('weekly', $client->messages->preferences->update(['digest_frequency' => 'weekly'])->digest_frequency);
        self::assertSame('weekly', $client->messages->preferences->retrieve()->digest_frequency);

        self::assertSame('client', $client->analytics->summary(['from' => new \DateTimeImmutable('2026-01-01')])->account_type);
        $report = $client->analytics->reports->create(['metrics' => ['activities', 'revenue'], 'group_by' => 'month']);
        self::assertSame($report->id, $client->analytics->reports->retrieve($report->id)->id);
        self::assertGreaterThanOrEqual(1, count($client->analytics->reports->all()));
        $export = $client->analytics->export->request(['format' => 'csv', 'dataset' => 'engagements']);
        self::assertSame($export->id, $client->analytics->export->retrieve($export->id)->id);

        $webhook = $client->webhooks->create(['url' => 'https://your-app.com/webhooks/php',
            'events' => ['user.updated']]);
        self::assertSame($webhook->id, $client->webhooks->retrieve($webhook->id)->id);
        self::assertSame(['user.updated', 'engagement.created'], $client->webhooks->update($webhook->id,
            ['events' => ['user.updated', 'engagement.created']])->events);
        self::assertGreaterThanOrEqual(1, count($client->webhooks->all()));
        $delivery = $client->webhooks->test($webhook->id);
        self::assertNotNull($delivery->id);
        self::assertGreaterThanOrEqual(1, count($client->webhooks->deliveries($webhook->id)));
        self::assertSame($delivery->id, $client->webhooks->retryDelivery($webhook->id, $delivery->id)->id);
        $client->webhooks->delete($webhook->id);

        self::assertNotNull($client->usage->retrieve()->toArray());
        $posted = $client->analytics->export->create(['format' => 'json', 'dataset' => 'payments']);
        self::assertSame($posted->id, $client->analytics->export->retrieve($posted->id)->id);

        $client->users->updateMe(['name' => self::unique('Evented ')]);
        $events = $client->events->all(['limit' => 5]);
        self::assertGreaterThanOrEqual(1, count($events));
        self::assertSame($events->data[0]->id, $client->events->retrieve($events->data[0]->id)->id);
    }
}
