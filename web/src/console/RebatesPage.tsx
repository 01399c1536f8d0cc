// Volume rebates (返利): the programs, a new one (its period, eligibility and tiers, checked as the
// API checks them), and a program's page with each dealer's basis, tier, accrued and settled
// rebate, where finance settles it once it has ended.
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useQueries, useQuery } from '@tanstack/react-query';
import { Alert, App, Button, Card, Descriptions, Form, Input, InputNumber, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { ApiProblem, get, newIdempotencyKey, post } from '../api/client.ts';
import type { Dealer, DealerRebate, Page, RebateProgram, RebateProgramWritten, RebateTier } from '../api/types.ts';
import { businessInstant, dateTime, money, yuanToMinor } from '../format.ts';
import { useLang, useT } from '../i18n/i18n.tsx';
import { ProblemAlert, showFieldErrors, showFieldErrorsAt } from '../shared/problem.tsx';
import { NextTierProgress, percentText, usePassed } from '../shared/rebates.tsx';
import { useRegionCodes } from '../shared/regions.ts';
import { useCan } from '../shared/roles.ts';
import { useCommand } from '../shared/useCommand.ts';

const DEALER_TIERS = ['platinum', 'gold', 'silver', 'bronze'];

type Phase = 'scheduled' | 'running' | 'ended' | 'settled';

function usePhase(program: RebateProgram): Phase {
  const started = usePassed(program.startsAt);
  const ended = usePassed(program.endsAt);
  if (program.settledAt) return 'settled';
  if (!started) return 'scheduled';
  return ended ? 'ended' : 'running';
}

const PHASE_COLORS: Record<Phase, string> = { scheduled: 'default', running: 'green', ended: 'orange', settled: 'blue' };

function PhaseTag({ program }: { program: RebateProgram }) {
  const t = useT();
  const phase = usePhase(program);
  return <Tag color={PHASE_COLORS[phase]}>{t.rebates.phases[phase]}</Tag>;
}

const tiersText = (tiers: RebateTier[]) => tiers.map((tier) => `≥${money(tier.fromMinor)} ${percentText(tier.percent)}`).join(' · ');

type TierRow = { from?: number | null; percent?: number | null };
type Eligibility = {
  tiers?: string[];
  dealers?: string[];
  territories?: string[];
  skus?: string[];
  brands?: string[];
  categories?: string[];
};
type NewProgram = { id?: string; title: string; startsAt: string; endsAt: string; eligibility?: Eligibility; tiers?: TierRow[] };

const TIER_FIELDS: Record<string, keyof TierRow> = { fromMinor: 'from', percent: 'percent' };

/** Where a problem's path is in this form: `tiers.1.fromMinor` → the second row's "from", `eligibility.skus.0` → the SKU list. */
function programFieldOf(path: string): (string | number)[] | undefined {
  const tier = /^tiers\.(\d+)\.(fromMinor|percent)$/.exec(path);
  if (tier) return ['tiers', Number(tier[1]), TIER_FIELDS[tier[2]!]!];
  if (path === 'tiers') return ['tiers'];
  const eligibility = /^eligibility\.(\w+)/.exec(path);
  if (eligibility) return ['eligibility', eligibility[1]!];
  return undefined;
}

function CodesSelect(props: {
  value?: string[];
  onChange?: (value: string[]) => void;
  id?: string;
  options?: { value: string; label: string }[];
}) {
  return <Select {...props} mode="tags" tokenSeparators={[',', ' ']} style={{ minWidth: 240 }} />;
}

/** The tiers, each from a basis in yuan on, at a percent: ascending and not overlapping, as the API requires. */
function TierRows() {
  const t = useT();
  return (
    <Form.List
      name="tiers"
      rules={[
        {
          validator: async (_, rows?: TierRow[]) => {
            if (!rows || rows.length === 0) throw new Error(t.rebates.tiersRequired);
          },
        },
      ]}
    >
      {(fields, { add, remove }, { errors }) => (
        <fieldset style={{ border: 'none', margin: 0, padding: 0 }}>
          <legend style={{ fontSize: 14, marginBottom: 8 }}>{t.rebates.tiers}</legend>
          <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
            {t.rebates.tiersHelp}
          </Typography.Paragraph>
          {fields.map((field) => (
            <Space key={field.key} align="start" wrap>
              <Form.Item
                name={[field.name, 'from']}
                label={t.rebates.from}
                dependencies={field.name > 0 ? [['tiers', field.name - 1, 'from']] : []}
                rules={[
                  { required: true, message: t.rebates.fromRequired },
                  ({ getFieldValue }) => ({
                    validator: async (_, value?: number | null) => {
                      if (field.name === 0 || value === undefined || value === null) return;
                      const previous = getFieldValue(['tiers', field.name - 1, 'from']) as number | null | undefined;
                      if (previous !== undefined && previous !== null && yuanToMinor(value) <= yuanToMinor(previous))
                        throw new Error(t.rebates.notAscending);
                    },
                  }),
                ]}
              >
                <InputNumber<number>
                  aria-label={`${t.rebates.from} ${field.name + 1}`}
                  min={0}
                  precision={2}
                  prefix="¥"
                  style={{ width: 180 }}
                />
              </Form.Item>
              <Form.Item
                name={[field.name, 'percent']}
                label={t.rebates.percent}
                rules={[{ required: true, message: t.rebates.percentRange }]}
              >
                <InputNumber<number>
                  aria-label={`${t.rebates.percent} ${field.name + 1}`}
                  min={0.01}
                  max={100}
                  precision={2}
                  suffix="%"
                  style={{ width: 130 }}
                />
              </Form.Item>
              {fields.length > 1 && (
                <Button
                  type="text"
                  aria-label={`${t.rebates.removeTier} ${field.name + 1}`}
                  icon={<MinusCircleOutlined />}
                  onClick={() => remove(field.name)}
                  style={{ marginTop: 30 }}
                />
              )}
            </Space>
          ))}
          <Form.ErrorList errors={errors} />
          <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({})} style={{ marginTop: 8 }}>
            {t.rebates.addTier}
          </Button>
        </fieldset>
      )}
    </Form.List>
  );
}

function NewProgramForm({ onClose }: { onClose: () => void }) {
  const t = useT();
  const [form] = Form.useForm<NewProgram>();
  const regions = useRegionCodes();
  // A refusal is kept under its key: the corrected form is sent under a new one.
  const [key, setKey] = useState(newIdempotencyKey);
  const create = useCommand(
    (values: NewProgram) => {
      const eligibility = Object.fromEntries(
        Object.entries(values.eligibility ?? {}).map(([name, codes]) => [name, (codes ?? []).map((code) => code.trim()).filter(Boolean)]),
      );
      return post<RebateProgramWritten>(
        '/v1/rebate-programs',
        {
          id: values.id?.trim() || undefined,
          title: values.title,
          startsAt: businessInstant(values.startsAt),
          endsAt: businessInstant(values.endsAt),
          eligibility,
          tiers: (values.tiers ?? []).map((tier) => ({ fromMinor: yuanToMinor(tier.from ?? 0), percent: tier.percent ?? 0 })),
        },
        { headers: { 'idempotency-key': key } },
      );
    },
    { success: (program) => t.rebates.created(program.id), invalidate: [['rebate-programs']], onSuccess: onClose },
  );
  return (
    <Modal
      open
      title={t.rebates.create}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t.app.save}
      cancelText={t.app.cancel}
      confirmLoading={create.isPending}
      width={720}
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{ tiers: [{}], eligibility: {} }}
        onFinish={(values) =>
          create.mutate(values, {
            onError: (error) => {
              if (error instanceof ApiProblem && error.status > 0 && error.status < 500) setKey(newIdempotencyKey());
              showFieldErrors(form, error);
              showFieldErrorsAt(form, error, programFieldOf);
            },
          })
        }
      >
        <Space wrap align="start">
          <Form.Item label={t.rebates.id} name="id" extra={t.rebates.idHelp}>
            <Input placeholder="RB-2027-Q1" maxLength={100} style={{ width: 200 }} />
          </Form.Item>
          <Form.Item label={t.rebates.name} name="title" rules={[{ required: true, whitespace: true }]}>
            <Input maxLength={200} style={{ width: 380 }} />
          </Form.Item>
        </Space>
        <Space wrap align="start">
          <Form.Item label={t.rebates.startsAt} name="startsAt" rules={[{ required: true }]}>
            <Input type="datetime-local" />
          </Form.Item>
          <Form.Item
            label={t.rebates.endsAt}
            name="endsAt"
            dependencies={['startsAt']}
            rules={[
              { required: true },
              ({ getFieldValue }) => ({
                validator: async (_, value?: string) => {
                  const startsAt = getFieldValue('startsAt') as string | undefined;
                  if (value && startsAt && Date.parse(businessInstant(value)) <= Date.parse(businessInstant(startsAt)))
                    throw new Error(t.rebates.endsBeforeStart);
                },
              }),
            ]}
          >
            <Input type="datetime-local" />
          </Form.Item>
        </Space>
        <TierRows />
        <fieldset style={{ border: 'none', margin: '16px 0 0', padding: 0 }}>
          <legend style={{ fontSize: 14, marginBottom: 8 }}>{t.rebates.eligibility}</legend>
          <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
            {t.rebates.eligibilityHelp}
          </Typography.Paragraph>
          <Space wrap align="start">
            <Form.Item label={t.rebates.dealerTiers} name={['eligibility', 'tiers']}>
              <Select
                mode="multiple"
                style={{ minWidth: 240 }}
                options={DEALER_TIERS.map((tier) => ({ value: tier, label: t.dealers.tiers[tier] ?? tier }))}
              />
            </Form.Item>
            <Form.Item label={t.rebates.dealers} name={['eligibility', 'dealers']}>
              <CodesSelect />
            </Form.Item>
            <Form.Item label={t.rebates.territories} name={['eligibility', 'territories']}>
              <CodesSelect options={regions.map((value) => ({ value, label: value }))} />
            </Form.Item>
            <Form.Item label={t.rebates.skus} name={['eligibility', 'skus']}>
              <CodesSelect />
            </Form.Item>
            <Form.Item label={t.rebates.brands} name={['eligibility', 'brands']}>
              <CodesSelect />
            </Form.Item>
            <Form.Item label={t.rebates.categories} name={['eligibility', 'categories']}>
              <CodesSelect />
            </Form.Item>
          </Space>
        </fieldset>
        <ProblemAlert error={create.error} />
      </Form>
    </Modal>
  );
}

export function RebatesPage() {
  const t = useT();
  const { locale } = useLang();
  const can = useCan();
  const [creating, setCreating] = useState(false);
  const programs = useQuery({
    queryKey: ['rebate-programs'],
    queryFn: ({ signal }) => get<Page<RebateProgram>>('/v1/rebate-programs', { limit: 500 }, signal),
  });
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Space style={{ justifyContent: 'space-between', width: '100%' }} wrap>
        <Typography.Title level={2} style={{ margin: 0, fontSize: 20 }}>
          {t.rebates.title}
        </Typography.Title>
        {can(['ops', 'finance']) && (
          <Button type="primary" onClick={() => setCreating(true)}>
            {t.rebates.create}
          </Button>
        )}
      </Space>
      <ProblemAlert error={programs.error} />
      <Table<RebateProgram>
        rowKey="id"
        loading={programs.isPending}
        dataSource={programs.data?.items ?? []}
        pagination={false}
        scroll={{ x: 'max-content' }}
        columns={[
          {
            title: t.rebates.id,
            render: (_, program) => <Link to={`/console/rebates/${encodeURIComponent(program.id)}`}>{program.id}</Link>,
          },
          { title: t.rebates.name, dataIndex: 'title' },
          {
            title: t.rebates.period,
            render: (_, program) => `${dateTime(program.startsAt, locale)} – ${dateTime(program.endsAt, locale)}`,
          },
          { title: t.rebates.tiers, render: (_, program) => tiersText(program.tiers) },
          { title: t.rebates.participants, dataIndex: 'participants', align: 'right' },
          { title: t.rebates.status, render: (_, program) => <PhaseTag program={program} /> },
        ]}
      />
      {creating && <NewProgramForm onClose={() => setCreating(false)} />}
    </Space>
  );
}

type Standing = {
  dealerId: string;
  name?: string;
  basisMinor: number;
  tierPercent: number;
  accruedMinor: number;
  settledMinor: number;
  nextTier?: DealerRebate['nextTier'];
  creditNoteId?: string | null;
};

/** Each eligible dealer's standing, asked per dealer (the API answers a dealer's rebates, not a program's); settled programs answer from their settlement. */
function useStandings(program: RebateProgram | undefined, enabled: boolean): { rows: Standing[]; pending: boolean; error: unknown } {
  const dealers = useQuery({
    queryKey: ['dealers', 'all'],
    enabled: enabled && program !== undefined,
    queryFn: ({ signal }) => get<Page<Dealer>>('/v1/dealers', { limit: 500 }, signal),
  });
  const eligible = (dealers.data?.items ?? []).filter(
    (dealer) =>
      program !== undefined &&
      (program.eligibility.dealers.length === 0 || program.eligibility.dealers.includes(dealer.id)) &&
      (program.eligibility.tiers.length === 0 || program.eligibility.tiers.includes(dealer.tier)),
  );
  const standings = useQueries({
    queries: eligible.map((dealer) => ({
      queryKey: ['rebates', dealer.id],
      enabled: enabled && !program?.settledAt,
      queryFn: ({ signal }: { signal: AbortSignal }) =>
        get<{ items: DealerRebate[] }>(`/v1/dealers/${encodeURIComponent(dealer.id)}/rebates`, undefined, signal),
    })),
  });
  const names = new Map((dealers.data?.items ?? []).map((dealer) => [dealer.id, dealer.name]));
  if (!program) return { rows: [], pending: true, error: null };
  if (program.settledAt) {
    return {
      rows: program.settlements.map((settlement) => ({
        dealerId: settlement.dealerId,
        name: names.get(settlement.dealerId),
        basisMinor: settlement.basisMinor,
        tierPercent: settlement.percent,
        accruedMinor: settlement.amountMinor,
        settledMinor: settlement.amountMinor,
        creditNoteId: settlement.creditNoteId,
      })),
      pending: false,
      error: null,
    };
  }
  const rows: Standing[] = [];
  eligible.forEach((dealer, index) => {
    const standing = standings[index]?.data?.items.find((item) => item.programId === program.id);
    if (standing && (standing.basisMinor > 0 || standing.settledMinor > 0))
      rows.push({ ...standing, dealerId: dealer.id, name: dealer.name });
  });
  return {
    rows,
    pending: dealers.isPending || standings.some((query) => query.isPending),
    error: dealers.error ?? standings.find((query) => query.error)?.error ?? null,
  };
}

function SettleAction({ program }: { program: RebateProgram }) {
  const t = useT();
  const { locale } = useLang();
  const { modal } = App.useApp();
  const ended = usePassed(program.endsAt);
  const settle = useCommand(() => post<RebateProgramWritten>(`/v1/rebate-programs/${encodeURIComponent(program.id)}/settle`), {
    invalidate: [['rebate-programs'], ['rebates'], ['credit']],
  });
  const result = settle.data;
  if (result) {
    const total = result.settlements.reduce((sum, settlement) => sum + settlement.amountMinor, 0);
    return <Alert type="success" showIcon role="status" title={t.rebates.settledResult(result.settlements.length, money(total))} />;
  }
  if (program.settledAt) return null;
  const confirm = () =>
    modal.confirm({
      title: t.rebates.settleTitle(program.id),
      content: t.rebates.settleConfirm(program.participants),
      okText: t.rebates.settle,
      cancelText: t.app.cancel,
      onOk: () => settle.mutateAsync(undefined).catch(() => undefined),
    });
  return (
    <Space orientation="vertical">
      <Button type="primary" disabled={!ended} loading={settle.isPending} onClick={() => void confirm()}>
        {t.rebates.settle}
      </Button>
      {!ended && <Typography.Text type="secondary">{t.rebates.notEnded(dateTime(program.endsAt, locale))}</Typography.Text>}
      <ProblemAlert error={settle.error} />
    </Space>
  );
}

export function RebateProgramPage() {
  const t = useT();
  const { locale } = useLang();
  const can = useCan();
  const { id = '' } = useParams();
  const program = useQuery({
    queryKey: ['rebate-programs', id],
    queryFn: ({ signal }) => get<RebateProgram>(`/v1/rebate-programs/${encodeURIComponent(id)}`, undefined, signal),
  });
  const data = program.data;
  const seesStandings = can(['ops', 'finance']);
  const standings = useStandings(data, seesStandings || Boolean(data?.settledAt));
  const eligibility = data
    ? (
        [
          [t.rebates.dealerTiers, data.eligibility.tiers.map((tier) => t.dealers.tiers[tier] ?? tier)],
          [t.rebates.dealers, data.eligibility.dealers],
          [t.rebates.territories, data.eligibility.territories],
          [t.rebates.skus, data.eligibility.skus],
          [t.rebates.brands, data.eligibility.brands],
          [t.rebates.categories, data.eligibility.categories],
        ] as const
      ).filter(([, codes]) => codes.length > 0)
    : [];
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Link to="/console/rebates">← {t.rebates.title}</Link>
      <ProblemAlert error={program.error} />
      {data && (
        <>
          <Space wrap>
            <Typography.Title level={2} style={{ margin: 0, fontSize: 20 }}>
              {data.id} · {data.title}
            </Typography.Title>
            <PhaseTag program={data} />
          </Space>
          <Descriptions
            size="small"
            bordered
            column={1}
            items={[
              { key: 'period', label: t.rebates.period, children: `${dateTime(data.startsAt, locale)} – ${dateTime(data.endsAt, locale)}` },
              {
                key: 'eligibility',
                label: t.rebates.eligibility,
                children:
                  eligibility.length === 0
                    ? t.rebates.everyone
                    : eligibility.map(([label, codes]) => `${label}: ${codes.join(', ')}`).join('；'),
              },
              { key: 'participants', label: t.rebates.participants, children: data.participants },
              ...(data.settledAt ? [{ key: 'settledAt', label: t.rebates.settledAt, children: dateTime(data.settledAt, locale) }] : []),
            ]}
          />
          <Card size="small" title={t.rebates.tiers}>
            <Table<RebateTier & { index: number }>
              rowKey="index"
              size="small"
              pagination={false}
              dataSource={data.tiers.map((tier, index) => ({ ...tier, index }))}
              columns={[
                { title: t.rebates.tier, render: (_, tier) => tier.index + 1 },
                { title: t.rebates.from, render: (_, tier) => money(tier.fromMinor), align: 'right' },
                { title: t.rebates.percent, render: (_, tier) => percentText(tier.percent), align: 'right' },
              ]}
            />
          </Card>
          {can(['finance']) && <SettleAction program={data} />}
          <Card size="small" title={t.rebates.standings}>
            <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
              {t.rebates.basisHelp}
            </Typography.Paragraph>
            {!seesStandings && !data.settledAt ? (
              <Typography.Text type="secondary">{t.rebates.standingsStaffOnly}</Typography.Text>
            ) : (
              <>
                <ProblemAlert error={standings.error} />
                <Table<Standing>
                  rowKey="dealerId"
                  size="small"
                  loading={standings.pending}
                  pagination={false}
                  dataSource={standings.rows}
                  locale={{ emptyText: t.rebates.noParticipants }}
                  scroll={{ x: 'max-content' }}
                  columns={[
                    { title: t.rebates.dealer, render: (_, row) => (row.name ? `${row.dealerId} · ${row.name}` : row.dealerId) },
                    { title: t.rebates.basis, render: (_, row) => money(row.basisMinor), align: 'right' },
                    { title: t.rebates.tierPercent, render: (_, row) => percentText(row.tierPercent), align: 'right' },
                    { title: t.rebates.accrued, render: (_, row) => money(row.accruedMinor), align: 'right' },
                    { title: t.rebates.settled, render: (_, row) => money(row.settledMinor), align: 'right' },
                    {
                      title: data.settledAt ? t.rebates.creditNote : t.rebates.nextTier,
                      render: (_, row) =>
                        row.creditNoteId ? (
                          <Typography.Text>{row.creditNoteId}</Typography.Text>
                        ) : row.nextTier ? (
                          <NextTierProgress basisMinor={row.basisMinor} nextTier={row.nextTier} />
                        ) : (
                          <Typography.Text type="secondary">{t.rebates.topTier}</Typography.Text>
                        ),
                    },
                  ]}
                />
              </>
            )}
          </Card>
        </>
      )}
    </Space>
  );
}
