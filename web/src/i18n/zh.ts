// Simplified Chinese, the default language. The English file must have every key (its type is this one's).
export const zh = {
  app: { name: '经销商订货平台', portal: '经销商门户', console: '运营控制台', loading: '加载中…', language: '语言', signOut: '退出登录', menu: '菜单', notFound: '页面不存在', back: '返回', retry: '重试', save: '保存', cancel: '取消', confirm: '确认', close: '关闭', refresh: '刷新', loadMore: '加载更多', none: '无', all: '全部', yes: '是', no: '否', actions: '操作', details: '详情', search: '查询', adminOnly: '仅管理员可查看此页面。', forbidden: '您的角色无权查看此内容。', sessionEnded: '登录已失效，请重新登录。', notAvailable: '此服务器尚未提供该功能。' },
  signIn: {
    title: '登录', username: '用户名', password: '密码', submit: '登录', failed: '用户名或密码不正确', tooMany: (seconds: string) => `尝试次数过多，请 ${seconds} 秒后再试`,
    unavailable: '此服务器尚未开放账号登录，请粘贴访问令牌。', pasteTitle: '使用访问令牌', token: '访问令牌', useToken: '使用令牌', tokenHint: '粘贴 npm start 打印的令牌，或 dealerline token 生成的令牌。', badToken: '令牌无效或已过期', required: '必填',
  },
  nav: { search: '商品', cart: '购物车', orders: '订单', import: '表格下单', credit: '信用与对账', approvals: '待我审批', buyers: '采购员', review: '待审订单', stock: '库存', dealers: '经销商', promotions: '促销', finance: '财务', system: '系统状态', dashboard: '看板' },
  roles: { dealer: '经销商', ops: '运营', finance: '财务', analyst: '分析师', integration: '集成', admin: '管理员', owner: '负责人', buyer: '采购员' },
  product: {
    searchLabel: '搜索商品', searchPlaceholder: '名称、品牌、编码，或扫描条码', addToCart: '加入购物车', added: (name: string) => `已加入购物车：${name}`, quantity: '数量', price: '价格', basePrice: '目录价',
    available: (qty: string) => `可售 ${qty}`, outOfStock: '缺货', inStockOnly: '仅显示有货', category: '品类', brand: '品牌', sku: '编码', gtin: '条码', unit: '单位', caseSize: '箱规', shelfLife: '保质期（天）', promotions: '促销', noResults: '没有找到商品', scanned: (gtin: string) => `条码 ${gtin}`, gtinNotFound: (gtin: string) => `没有条码为 ${gtin} 的商品`, priceBasis: { contract: '合同价', tier: '等级价', base: '目录价' } as Record<string, string>,
    categories: { beverages: '饮料', dairy: '乳制品', snacks: '零食', noodles: '方便面', condiments: '调味品' } as Record<string, string>,
  },
  cart: {
    title: '购物车', empty: '购物车是空的', goShopping: '去选商品', remove: '移除', region: '收货地区', address: '收货地址', note: '备注', placeOrder: '提交订单', placing: '正在提交…', quote: '报价', quoting: '正在报价…', lineNet: '小计', unitPrice: '单价', discount: '优惠', subtotal: '商品金额', total: '应付金额', gifts: '赠品', warnings: '提示', explanation: '价格说明',
    placed: (id: string) => `订单 ${id} 已提交`, viewOrder: '查看订单', keepShopping: '继续选购', limits: '您的采购额度', perOrder: '每单上限', perMonth: '每月上限', overLimit: '本单超出您的额度，提交后需负责人审批。', clear: '清空购物车',
  },
  orders: {
    title: '订单', id: '订单号', placedAt: '下单时间', status: '状态', total: '金额', dealer: '经销商', lines: '商品', gifts: '赠品', region: '地区', review: '审核', reasons: '审核原因', timeline: '进度', shipments: '发货', carrier: '承运商', tracking: '运单号', shippedAt: '发货时间', deliveredAt: '签收时间', lots: '批次', expiry: '到期日', returns: '退货', reorder: '再来一单', reordered: (id: string) => `已再次下单：${id}`, cancel: '取消订单', cancelReason: '取消原因', cancelled: '订单已取消', confirmCancel: '确定取消此订单？预留的库存和额度将被释放。', noOrders: '还没有订单', note: '备注', address: '地址', from: '从', to: '至', filterStatus: '按状态筛选', dealerFilter: '经销商编号',
    requestReturn: '申请退货', returnReason: '退货原因', returnQty: '退货数量', returnRequested: '退货申请已提交', dealerApprove: '批准', dealerReject: '拒绝', dealerApproved: '已批准，订单进入自动审核', dealerRejected: '已拒绝', rejectReason: '拒绝原因',
    status_: { placed: '已下单', approved: '已批准', awaiting_payment: '待付款', awaiting_dealer_approval: '待负责人审批', on_hold: '待审核', rejected: '已拒绝', cancelled: '已取消', partially_shipped: '部分发货', shipped: '已发货', delivered: '已签收', completed: '已完成' } as Record<string, string>,
    returnStatus: { requested: '已申请', approved: '已同意', rejected: '已拒绝', received: '已收货', refunded: '已退款' } as Record<string, string>,
    events: { OrderPlaced: '下单', OrderReviewed: '自动审核', OrderApproved: '人工批准', OrderRejected: '人工拒绝', OrderCancelled: '取消', ShipmentPlanned: '安排发货', ShipmentDispatched: '已发货', ShipmentDelivered: '已签收', OrderPaymentRecorded: '收到付款', OrderReleased: '放行发货', OrderCompleted: '完成', ReturnRequested: '申请退货', ReturnApproved: '同意退货', ReturnRejected: '拒绝退货', ReturnReceived: '退货入库', ReturnRefunded: '退款' } as Record<string, string>,
  },
  reasons: {
    insufficient_stock: '库存不足', credit_limit_exceeded: '超出信用额度', territory_not_authorized: '收货地区不在经销区域内', risk_score_high: '风险评分偏高', dealer_suspended: '经销商已被暂停', unknown_sku: '商品编码不存在或已停售', buyer_limit_exceeded: '超出采购员额度，需负责人审批', promotion_cap_reached: '促销次数已用完', promotion_budget_exhausted: '促销预算已用完',
  } as Record<string, string>,
  import: {
    title: '表格下单', hint: '上传 CSV 或 Excel 表格：每行一个商品编码（或条码）和数量，表头可用中文或英文。', choose: '选择文件', preview: '预览', row: '行', matched: '已匹配', unmatched: '未匹配', suggestions: '建议', noPreview: '此服务器不提供预览，文件将直接下单。', place: '提交订单', placed: (id: string) => `已从表格创建订单 ${id}`,
  },
  credit: { title: '信用与对账', limit: '信用额度', reserved: '已预留', outstanding: '未结清', available: '可用额度', overdue: '逾期', statement: '对账单', at: '时间', kind: '类型', amount: '金额', balance: '余额', reference: '单据', kinds: { limit_set: '设定额度', reserved: '预留', released: '释放', charged: '发货记账', payment: '收款', credit_note: '贷项通知' } as Record<string, string> },
  buyers: { title: '采购员', add: '添加采购员', username: '用户名', displayName: '姓名', password: '初始密码', perOrder: '每单上限（元）', perMonth: '每月上限（元）', status: '状态', active: '启用', disabled: '停用', disable: '停用', enable: '启用', saved: '已保存', created: '采购员已添加' },
  approvals: { title: '待我审批', empty: '没有等待审批的订单', buyer: '采购员' },
  review: { title: '待审订单', empty: '没有待审核的订单', approve: '批准', reject: '拒绝', note: '备注', approved: (id: string) => `订单 ${id} 已批准`, rejected: (id: string) => `订单 ${id} 已拒绝`, risk: '风险评分' },
  stock: {
    title: '库存', bySku: '按商品与仓库', low: '低库存', expiring: '临期批次', movements: '出入库记录', receipt: '入库', adjustment: '调整', warehouse: '仓库', onHand: '在库', reserved: '已预留', available: '可售', lot: '批次', productionDate: '生产日期', expiryDate: '到期日', daysLeft: '剩余天数', tier: '临期等级', threshold: '预警线', qty: '数量', delta: '变动数量', reason: '原因', kind: '类型', received: '已入库', adjusted: '已调整',
    tiers: { expired: '已过期', red: '红色（30天内）', yellow: '黄色（90天内）', blue: '蓝色（180天内）' } as Record<string, string>,
  },
  dealers: { title: '经销商', id: '编号', name: '名称', tier: '等级', territories: '经销区域', status: '状态', creditLimit: '信用额度（元）', paymentTerms: '账期（天）', prepay: '预付款', suspend: '暂停', reinstate: '恢复', suspendReason: '暂停原因', active: '正常', suspended: '已暂停', create: '新建经销商', saved: '已保存', tiers: { platinum: '白金', gold: '金牌', silver: '银牌', bronze: '铜牌' } as Record<string, string> },
  promotions: { title: '促销', id: '编号', name: '标题', kind: '类型', window: '有效期', status: '状态', redemptions: '使用次数', end: '结束', ended: '促销已结束', activeOnly: '仅显示进行中', create: '新建促销', rule: '规则（JSON）', eligibility: '适用范围（JSON）', stackable: '可叠加', startsAt: '开始', endsAt: '结束', created: '促销已创建', badJson: 'JSON 格式不正确',
    kinds: { percent_off: '折扣', amount_off: '立减', spend_threshold: '满减', buy_x_get_y: '买赠', bundle_price: '组合价', tiered_quantity: '阶梯价' } as Record<string, string>, statuses: { active: '进行中', scheduled: '未开始', ended: '已结束', expired: '已过期' } as Record<string, string> },
  finance: { title: '财务', dealer: '经销商', ledger: '对账单', exports: '导出', exportLedger: '导出对账单（CSV）', exportEvents: '导出事件（NDJSON）', from: '开始日期', to: '结束日期', payment: '登记收款', amount: '金额（元）', reference: '付款凭证号', recorded: '收款已登记' },
  system: { title: '系统状态', projections: '读模型', integrations: '集成', deadLetters: '死信', name: '名称', position: '位置', lag: '延迟', status: '状态', error: '错误', rebuild: '重建', resume: '恢复', rebuilding: '已开始重建', active: '运行中', openDeadLetters: '未处理死信', lastError: '最近错误', adapter: '适配器', event: '事件', attempts: '尝试次数', retry: '重试', retried: '已请求重试', noDeadLetters: '没有死信' },
  dashboard: { title: '看板', salesByDay: '每日销售额', salesByCategory: '品类销售额', bestsellers: '畅销商品', approvalRate: '审批通过率', decisionTime: '决策用时（秒）', automatic: '自动通过率', held: '待审', expiryRisk: '临期风险（按货值）', replenishment: '补货建议', suggestedQty: '建议补货', daysOfCover: '可售天数', net: '净销售额', orders: '订单数', lastDays: (n: number) => `近 ${n} 天`, average: '平均', median: '中位数' },
  problem: { title: '请求未成功', network: '无法连接服务器，请检查网络后重试。内容已保留。' },
};
