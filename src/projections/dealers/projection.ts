// Projects dealer events into the dealers table: the lookup for pricing, review and the API.
import type { Updateable } from 'kysely';
import { dealerEventTypes, type DealerEvent, type DealerRegistration } from '../../domain/dealers/dealer.ts';
import type { Projection } from '../projection.ts';
import type { DealersTables } from './tables.ts';

type Data<Type extends DealerEvent['type']> = Extract<DealerEvent, { type: Type }>['data'];
type DealerChanges = Omit<Updateable<DealersTables['dealers.dealers']>, 'id' | 'version' | 'updated_at'>;

export const dealersProjection: Projection = {
  name: 'dealers',
  schema: 'dealers',
  filter: { eventTypes: dealerEventTypes },
  async handle(db, event) {
    const at = new Date(event.metadata.occurredAt);
    const update = (dealerId: string, changes: DealerChanges) =>
      db
        .updateTable('dealers.dealers')
        .set({ ...changes, version: event.revision, updated_at: at })
        .where('id', '=', dealerId)
        .execute();
    switch (event.type) {
      case 'DealerRegistered': {
        const d = event.data as DealerRegistration;
        await db
          .insertInto('dealers.dealers')
          .values({
            id: d.dealerId,
            name: d.name,
            tier: d.tier,
            territories: d.territories,
            payment_terms_days: d.paymentTermsDays,
            prepay: d.prepay,
            status: 'active',
            suspension_reason: null,
            version: event.revision,
            registered_at: at,
            updated_at: at,
          })
          .execute();
        return;
      }
      case 'DealerTerritoriesChanged': {
        const d = event.data as Data<'DealerTerritoriesChanged'>;
        await update(d.dealerId, { territories: d.territories });
        return;
      }
      case 'DealerTierChanged': {
        const d = event.data as Data<'DealerTierChanged'>;
        await update(d.dealerId, { tier: d.tier });
        return;
      }
      case 'PaymentTermsChanged': {
        const d = event.data as Data<'PaymentTermsChanged'>;
        await update(d.dealerId, { payment_terms_days: d.paymentTermsDays, prepay: d.prepay });
        return;
      }
      case 'DealerSuspended': {
        const d = event.data as Data<'DealerSuspended'>;
        await update(d.dealerId, { status: 'suspended', suspension_reason: d.reason });
        return;
      }
      case 'DealerReinstated': {
        const d = event.data as Data<'DealerReinstated'>;
        await update(d.dealerId, { status: 'active', suspension_reason: null });
        return;
      }
      case 'DealerShelfLifeRequirementSet': {
        const d = event.data as Data<'DealerShelfLifeRequirementSet'>;
        await update(d.dealerId, { min_remaining_days: d.minRemainingDays });
        return;
      }
    }
  },
};
