// The labelled relevance set: what a dealer types, and which products of the demo catalog
// (src/demo/catalog.ts) they mean. `relevant` is every product that answers the query; `first`
// the products a dealer would accept as the top answer (all relevant ones unless narrower).
// Labelled by meaning, not by what the search happened to return.
import { DEMO_PRODUCTS, type DemoProduct } from '../../src/demo/catalog.ts';

export type Kind = 'word' | 'part of a word' | 'brand' | 'pinyin' | 'initials' | 'typo' | 'mixed' | 'code';

export type LabelledQuery = {
  q: string;
  kind: Kind;
  relevant: (product: DemoProduct) => boolean;
  first?: (product: DemoProduct) => boolean;
};

type Test = (product: DemoProduct) => boolean;

const nameHas =
  (pattern: RegExp): Test =>
  (product) =>
    pattern.test(product.name);
const brandIs =
  (...brands: string[]): Test =>
  (product) =>
    brands.includes(product.brand);
const categoryIs =
  (category: string): Test =>
  (product) =>
    product.category === category;
const named = (...names: string[]): Test => {
  for (const name of names)
    if (!DEMO_PRODUCTS.some((product) => product.name === name)) throw new Error(`no demo product is named ${name}`);
  return (product) => names.includes(product.name);
};
const keyword =
  (word: string): Test =>
  (product) =>
    product.keywords?.includes(word) ?? false;
const both =
  (...tests: Test[]): Test =>
  (product) =>
    tests.every((test) => test(product));
const either =
  (...tests: Test[]): Test =>
  (product) =>
    tests.some((test) => test(product));

const soySauce = nameHas(/酱油|生抽|老抽/);
const haitian = DEMO_PRODUCTS.find((product) => product.name === '海天金标生抽酱油1.28L×6瓶')!;

export const LABELLED_QUERIES: LabelledQuery[] = [
  // Whole words.
  { q: '绿茶', kind: 'word', relevant: nameHas(/绿茶/) },
  { q: '酱油', kind: 'word', relevant: soySauce, first: nameHas(/酱油/) },
  { q: '生抽', kind: 'word', relevant: nameHas(/生抽/) },
  { q: '老抽', kind: 'word', relevant: nameHas(/老抽/) },
  { q: '蚝油', kind: 'word', relevant: nameHas(/蚝油/) },
  { q: '薯片', kind: 'word', relevant: nameHas(/薯片|薯愿/), first: nameHas(/薯片/) },
  { q: '纯牛奶', kind: 'word', relevant: nameHas(/纯牛奶/) },
  { q: '酸奶', kind: 'word', relevant: nameHas(/酸奶|发酵乳/), first: nameHas(/酸奶/) },
  { q: '方便面', kind: 'word', relevant: keyword('方便面') },
  { q: '啤酒', kind: 'word', relevant: categoryIs('啤酒') },
  { q: '矿泉水', kind: 'word', relevant: either(nameHas(/矿泉水/), keyword('矿泉水')) },
  { q: '花生油', kind: 'word', relevant: nameHas(/花生油/) },
  { q: '瓜子', kind: 'word', relevant: nameHas(/瓜子/) },
  { q: '火腿肠', kind: 'word', relevant: nameHas(/火腿肠/) },
  { q: '午餐肉', kind: 'word', relevant: nameHas(/午餐肉/) },
  { q: '凉茶', kind: 'word', relevant: nameHas(/凉茶/) },
  { q: '老陈醋', kind: 'word', relevant: nameHas(/陈醋/) },
  { q: '螺蛳粉', kind: 'word', relevant: nameHas(/螺蛳粉/) },
  { q: '火锅底料', kind: 'word', relevant: nameHas(/火锅底料/) },
  { q: '豆奶', kind: 'word', relevant: nameHas(/豆奶/) },
  { q: '巧克力', kind: 'word', relevant: nameHas(/巧克力/) },
  { q: '挂面', kind: 'word', relevant: nameHas(/挂面/) },
  { q: '大米', kind: 'word', relevant: nameHas(/大米/) },
  { q: '泡面', kind: 'word', relevant: keyword('泡面') },
  { q: '冰红茶', kind: 'word', relevant: nameHas(/冰红茶/) },
  { q: '鸡精', kind: 'word', relevant: nameHas(/鸡精/) },
  { q: '料酒', kind: 'word', relevant: nameHas(/料酒/) },
  { q: '奶茶', kind: 'word', relevant: nameHas(/奶茶/) },
  { q: 'AD钙奶', kind: 'word', relevant: nameHas(/AD钙奶/) },
  // Parts of words.
  { q: '茶', kind: 'part of a word', relevant: nameHas(/茶/) },
  { q: '醋', kind: 'part of a word', relevant: nameHas(/醋/) },
  { q: '茉莉', kind: 'part of a word', relevant: nameHas(/茉莉/) },
  { q: '酸菜', kind: 'part of a word', relevant: nameHas(/酸菜/) },
  { q: '牛肉面', kind: 'part of a word', relevant: nameHas(/牛肉面/) },
  { q: '天然水', kind: 'part of a word', relevant: nameHas(/天然水/) },
  { q: '核桃', kind: 'part of a word', relevant: nameHas(/核桃/) },
  { q: '豚骨', kind: 'part of a word', relevant: nameHas(/豚骨/) },
  { q: '红烧', kind: 'part of a word', relevant: nameHas(/红烧/) },
  { q: '柠檬', kind: 'part of a word', relevant: nameHas(/柠檬/) },
  { q: '乌龙', kind: 'part of a word', relevant: nameHas(/乌龙/) },
  { q: '牛奶', kind: 'part of a word', relevant: nameHas(/牛奶/) },
  { q: '可乐', kind: 'part of a word', relevant: nameHas(/可乐/) },
  { q: '纯奶', kind: 'part of a word', relevant: nameHas(/纯牛奶/) },
  // Brands.
  { q: '海天', kind: 'brand', relevant: brandIs('海天') },
  { q: '康师傅', kind: 'brand', relevant: brandIs('康师傅') },
  { q: '农夫', kind: 'brand', relevant: brandIs('农夫山泉') },
  { q: '伊利', kind: 'brand', relevant: brandIs('伊利') },
  { q: '老干妈', kind: 'brand', relevant: brandIs('老干妈') },
  { q: '可口可乐', kind: 'brand', relevant: brandIs('可口可乐') },
  { q: '三只松鼠', kind: 'brand', relevant: brandIs('三只松鼠') },
  { q: '特仑苏', kind: 'brand', relevant: nameHas(/特仑苏/) },
  // Pinyin.
  { q: 'lvcha', kind: 'pinyin', relevant: nameHas(/绿茶/) },
  { q: 'kangshifu', kind: 'pinyin', relevant: brandIs('康师傅') },
  { q: 'haitian', kind: 'pinyin', relevant: brandIs('海天') },
  { q: 'jiangyou', kind: 'pinyin', relevant: soySauce, first: nameHas(/酱油/) },
  { q: 'chunniunai', kind: 'pinyin', relevant: nameHas(/纯牛奶/) },
  { q: 'laoganma', kind: 'pinyin', relevant: brandIs('老干妈') },
  { q: 'shupian', kind: 'pinyin', relevant: nameHas(/薯片/) },
  { q: 'kele', kind: 'pinyin', relevant: nameHas(/可乐/) },
  { q: 'qingdaopijiu', kind: 'pinyin', relevant: brandIs('青岛啤酒') },
  { q: 'luosifen', kind: 'pinyin', relevant: nameHas(/螺蛳粉/) },
  { q: 'haitian shengchou', kind: 'pinyin', relevant: both(brandIs('海天'), nameHas(/生抽/)) },
  { q: 'niunai', kind: 'pinyin', relevant: nameHas(/牛奶/) },
  { q: 'suannai', kind: 'pinyin', relevant: nameHas(/酸奶/) },
  { q: 'fangbianmian', kind: 'pinyin', relevant: keyword('方便面') },
  { q: 'pijiu', kind: 'pinyin', relevant: categoryIs('啤酒') },
  { q: 'nongfu shanquan', kind: 'pinyin', relevant: brandIs('农夫山泉') },
  { q: 'xuebi', kind: 'pinyin', relevant: brandIs('雪碧') },
  { q: 'YILI', kind: 'pinyin', relevant: brandIs('伊利') },
  // Initials.
  { q: 'ksf', kind: 'initials', relevant: brandIs('康师傅') },
  { q: 'nfsq', kind: 'initials', relevant: brandIs('农夫山泉') },
  { q: 'ht jiangyou', kind: 'initials', relevant: both(brandIs('海天'), soySauce) },
  { q: 'lgm', kind: 'initials', relevant: brandIs('老干妈') },
  { q: 'amx', kind: 'initials', relevant: nameHas(/安慕希/) },
  { q: 'yqsl', kind: 'initials', relevant: brandIs('元气森林') },
  { q: 'wlj', kind: 'initials', relevant: brandIs('王老吉') },
  // Typos and run-together words (Latin).
  { q: 'kangshifo', kind: 'typo', relevant: brandIs('康师傅') },
  { q: 'jiangyuo', kind: 'typo', relevant: soySauce, first: nameHas(/酱油/) },
  { q: 'haitain', kind: 'typo', relevant: brandIs('海天') },
  { q: 'laoganmma', kind: 'typo', relevant: brandIs('老干妈') },
  { q: 'oero', kind: 'typo', relevant: brandIs('奥利奥') },
  { q: 'sprit', kind: 'typo', relevant: brandIs('雪碧') },
  { q: 'cocacola', kind: 'typo', relevant: brandIs('可口可乐') },
  { q: 'haitianjiangyou', kind: 'typo', relevant: both(brandIs('海天'), soySauce) },
  // Chinese typed with the wrong character of the same sound (an input method's slip).
  { q: '康师付', kind: 'typo', relevant: brandIs('康师傅') },
  { q: '老干吗', kind: 'typo', relevant: brandIs('老干妈') },
  { q: '农夫三泉', kind: 'typo', relevant: brandIs('农夫山泉') },
  // Chinese, Latin, sizes mixed.
  { q: '海天 生抽 1.28L', kind: 'mixed', relevant: named('海天金标生抽酱油1.28L×6瓶') },
  { q: '农夫山泉 550ml', kind: 'mixed', relevant: named('农夫山泉 饮用天然水 550ml×24瓶') },
  { q: '可口可乐 330ml', kind: 'mixed', relevant: both(brandIs('可口可乐'), nameHas(/330ml/)), first: named('可口可乐 汽水 330ml×24罐') },
  { q: '伊利纯牛奶250ml', kind: 'mixed', relevant: both(brandIs('伊利'), nameHas(/纯牛奶 250ml/)) },
  { q: 'lvcha 500ml', kind: 'mixed', relevant: nameHas(/绿茶.*500ml/) },
  { q: '康师傅 hongshao', kind: 'mixed', relevant: both(brandIs('康师傅'), nameHas(/红烧/)) },
  { q: 'coke zero', kind: 'mixed', relevant: named('可口可乐 零度 无糖汽水 330ml×24罐') },
  { q: '统一 老坛酸菜', kind: 'mixed', relevant: both(brandIs('统一'), nameHas(/老坛酸菜/)) },
  { q: '青岛 纯生', kind: 'mixed', relevant: named('青岛啤酒 纯生 500ml×12罐') },
  { q: '红牛 250毫升', kind: 'mixed', relevant: brandIs('红牛') },
  { q: '金龙鱼 5升 调和油', kind: 'mixed', relevant: named('金龙鱼 黄金比例 食用植物调和油 5L×4桶') },
  { q: 'sprite 500ml', kind: 'mixed', relevant: named('雪碧 清爽柠檬味汽水 500ml×24瓶') },
  { q: '雪碧 2升', kind: 'mixed', relevant: named('雪碧 清爽柠檬味汽水 2L×6瓶') },
  { q: '乐事 黄瓜', kind: 'mixed', relevant: named('乐事 薯片 黄瓜味 70g×22袋') },
  { q: '青岛啤酒 500', kind: 'mixed', relevant: both(brandIs('青岛啤酒'), nameHas(/500ml/)) },
  { q: 'haitian 蚝油', kind: 'mixed', relevant: named('海天上等蚝油700g×12瓶') },
  { q: '冰红茶1L', kind: 'mixed', relevant: named('康师傅 冰红茶 1L×12瓶') },
  { q: '老坛酸菜面', kind: 'mixed', relevant: nameHas(/老坛酸菜/) },
  // Codes.
  { q: 'CND-HT-01', kind: 'code', relevant: (product) => product.sku === 'CND-HT-01' },
  { q: haitian.gtin, kind: 'code', relevant: (product) => product.gtin === haitian.gtin },
  { q: 'cnd-lgm', kind: 'code', relevant: brandIs('老干妈') },
];
