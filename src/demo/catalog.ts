// The demo catalog: 300-odd Chinese FMCG products as a manufacturer's distributor lists them
// (brand, product, size × pieces per case; some written with spaces, some without), in the
// categories a dealer orders by, with valid GTIN-13 barcodes under the 69 prefix. Also the
// catalog of the search relevance set (test/search/).

export type DemoProduct = {
  sku: string;
  name: string;
  brand: string;
  category: string;
  gtin: string;
  unit: string;
  caseSize: number;
  shelfLifeDays: number;
  basePriceMinor: number;
  keywords?: string[];
};

/** A brand's products in one category: name, case price in yuan, keywords. */
type Line = {
  brand: string;
  /** The brand's part of the SKU. */
  code: string;
  category: Category;
  shelfLifeDays: number;
  products: [name: string, yuan: number, keywords?: string[]][];
};

const CATEGORIES = {
  包装饮用水: 'WTR',
  茶饮料: 'TEA',
  碳酸饮料: 'SOD',
  功能饮料: 'ENG',
  果汁饮料: 'JCE',
  植物蛋白饮料: 'PLT',
  乳制品: 'DRY',
  方便食品: 'INS',
  肉制品: 'MT',
  休闲零食: 'SNK',
  饼干糕点: 'BSC',
  调味品: 'CND',
  粮油: 'OIL',
  啤酒: 'BER',
  白酒: 'LIQ',
} as const;

type Category = keyof typeof CATEGORIES;

const LINES: Line[] = [
  // 包装饮用水
  {
    brand: '农夫山泉',
    code: 'NFSQ',
    category: '包装饮用水',
    shelfLifeDays: 540,
    products: [
      ['农夫山泉 饮用天然水 550ml×24瓶', 36, ['矿泉水']],
      ['农夫山泉 饮用天然水 380ml×24瓶', 30, ['矿泉水']],
      ['农夫山泉 饮用天然水 1.5L×12瓶', 42, ['矿泉水']],
      ['农夫山泉 饮用天然水 4L×6桶', 48, ['矿泉水', '大桶水']],
      ['农夫山泉 长白雪 天然雪山矿泉水 535ml×24瓶', 72],
      ['农夫山泉 苏打水饮品 柠檬味 410ml×15瓶', 66],
    ],
  },
  {
    brand: '怡宝',
    code: 'YB',
    category: '包装饮用水',
    shelfLifeDays: 540,
    products: [
      ['怡宝 饮用纯净水 555ml×24瓶', 33],
      ['怡宝 饮用纯净水 350ml×24瓶', 28],
      ['怡宝 饮用纯净水 1.555L×12瓶', 38],
      ['怡宝 饮用纯净水 4.5L×4桶', 34, ['大桶水']],
    ],
  },
  {
    brand: '百岁山',
    code: 'BSS',
    category: '包装饮用水',
    shelfLifeDays: 720,
    products: [
      ['百岁山 饮用天然矿泉水 570ml×24瓶', 56],
      ['百岁山 饮用天然矿泉水 348ml×24瓶', 44],
      ['百岁山 饮用天然矿泉水 1.5L×12瓶', 58],
    ],
  },
  {
    brand: '娃哈哈',
    code: 'WHH',
    category: '包装饮用水',
    shelfLifeDays: 540,
    products: [
      ['娃哈哈饮用纯净水596ml*24瓶', 30],
      ['娃哈哈饮用纯净水4.5L*4桶', 30, ['大桶水']],
    ],
  },
  {
    brand: '景田',
    code: 'JT',
    category: '包装饮用水',
    shelfLifeDays: 540,
    products: [
      ['景田 饮用纯净水 560ml×24瓶', 30],
      ['景田 饮用纯净水 4.6L×4桶', 32, ['大桶水']],
    ],
  },
  // 茶饮料
  {
    brand: '康师傅',
    code: 'KSF',
    category: '茶饮料',
    shelfLifeDays: 365,
    products: [
      ['康师傅 冰红茶 柠檬口味 500ml×15瓶', 45],
      ['康师傅 冰红茶 1L×12瓶', 54],
      ['康师傅 绿茶 蜂蜜茉莉味 500ml×15瓶', 45],
      ['康师傅 茉莉清茶 500ml×15瓶', 45],
      ['康师傅 茉莉蜜茶 500ml×15瓶', 45],
      ['康师傅 冰糖雪梨 500ml×15瓶', 45],
      ['康师傅 酸梅汤 500ml×15瓶', 45],
      ['康师傅 乌龙茗茶 500ml×15瓶', 48],
    ],
  },
  {
    brand: '统一',
    code: 'TY',
    category: '茶饮料',
    shelfLifeDays: 365,
    products: [
      ['统一 冰红茶 500ml×15瓶', 45],
      ['统一 绿茶 500ml×15瓶', 45],
      ['统一 阿萨姆奶茶 原味 500ml×15瓶', 66],
      ['统一 阿萨姆奶茶 煎茶奶绿 500ml×15瓶', 66],
      ['统一 小茗同学 青柠红茶 480ml×15瓶', 60],
      ['统一 茶里王 日式绿茶 无糖 420ml×12瓶', 54],
      ['统一 海之言 柠檬口味 500ml×15瓶', 60],
    ],
  },
  {
    brand: '三得利',
    code: 'SDL',
    category: '茶饮料',
    shelfLifeDays: 365,
    products: [
      ['三得利 乌龙茶 无糖 500ml×15瓶', 75],
      ['三得利 乌龙茶 低糖 500ml×15瓶', 72],
      ['三得利 茉莉乌龙茶 无糖 500ml×15瓶', 75],
    ],
  },
  {
    brand: '农夫山泉',
    code: 'NFSQ',
    category: '茶饮料',
    shelfLifeDays: 365,
    products: [
      ['农夫山泉 东方树叶 茉莉花茶 500ml×15瓶', 72],
      ['农夫山泉 东方树叶 乌龙茶 500ml×15瓶', 72],
      ['农夫山泉 东方树叶 青柑普洱 500ml×15瓶', 72],
      ['农夫山泉 东方树叶 红茶 500ml×15瓶', 72],
      ['农夫山泉 茶π 柠檬红茶 500ml×15瓶', 66],
    ],
  },
  {
    brand: '王老吉',
    code: 'WLJ',
    category: '茶饮料',
    shelfLifeDays: 720,
    products: [
      ['王老吉 凉茶 310ml×24罐', 86],
      ['王老吉 凉茶 500ml×15瓶', 66],
      ['王老吉 凉茶 无糖 310ml×24罐', 90],
    ],
  },
  {
    brand: '加多宝',
    code: 'JDB',
    category: '茶饮料',
    shelfLifeDays: 720,
    products: [
      ['加多宝 凉茶 310ml×24罐', 86],
      ['加多宝 凉茶 500ml×15瓶', 66],
    ],
  },
  {
    brand: '元气森林',
    code: 'YQSL',
    category: '茶饮料',
    shelfLifeDays: 270,
    products: [
      ['元气森林 燃茶 无糖乌龙茶 500ml×15瓶', 75],
      ['元气森林 燃茶 桃香乌龙茶 500ml×15瓶', 75],
    ],
  },
  {
    brand: '维他',
    code: 'VITA',
    category: '茶饮料',
    shelfLifeDays: 365,
    products: [
      ['维他 柠檬茶 250ml×24盒', 62, ['vita']],
      ['维他 无糖柠檬茶 310ml×24罐', 86, ['vita']],
    ],
  },
  // 碳酸饮料
  {
    brand: '可口可乐',
    code: 'KO',
    category: '碳酸饮料',
    shelfLifeDays: 365,
    products: [
      ['可口可乐 汽水 330ml×24罐', 58, ['coke', 'coca cola']],
      ['可口可乐 零度 无糖汽水 330ml×24罐', 60, ['coke zero', 'coca cola']],
      ['可口可乐 汽水 500ml×24瓶', 72, ['coke', 'coca cola']],
      ['可口可乐 汽水 2L×6瓶', 48, ['coke', 'coca cola']],
      ['可口可乐 汽水 迷你罐 200ml×24罐', 50, ['coke', 'coca cola']],
    ],
  },
  {
    brand: '雪碧',
    code: 'SPR',
    category: '碳酸饮料',
    shelfLifeDays: 365,
    products: [
      ['雪碧 清爽柠檬味汽水 330ml×24罐', 58, ['sprite']],
      ['雪碧 清爽柠檬味汽水 500ml×24瓶', 72, ['sprite']],
      ['雪碧 零卡 无糖汽水 330ml×24罐', 60, ['sprite zero']],
      ['雪碧 清爽柠檬味汽水 2L×6瓶', 48, ['sprite']],
    ],
  },
  {
    brand: '芬达',
    code: 'FNT',
    category: '碳酸饮料',
    shelfLifeDays: 365,
    products: [
      ['芬达 橙味汽水 330ml×24罐', 56, ['fanta']],
      ['芬达 葡萄味汽水 330ml×24罐', 56, ['fanta']],
      ['芬达 橙味汽水 500ml×24瓶', 70, ['fanta']],
    ],
  },
  {
    brand: '百事',
    code: 'PEP',
    category: '碳酸饮料',
    shelfLifeDays: 365,
    products: [
      ['百事可乐 330ml×24罐', 56, ['pepsi']],
      ['百事可乐 无糖 330ml×24罐', 58, ['pepsi']],
      ['百事可乐 2L×6瓶', 46, ['pepsi']],
      ['美年达 橙味汽水 330ml×24罐', 54, ['mirinda']],
      ['七喜 柠檬味汽水 330ml×24罐', 54, ['7up']],
    ],
  },
  {
    brand: '元气森林',
    code: 'YQSL',
    category: '碳酸饮料',
    shelfLifeDays: 270,
    products: [
      ['元气森林 苏打气泡水 白桃味 480ml×15瓶', 75, ['气泡水']],
      ['元气森林 苏打气泡水 卡曼橘味 480ml×15瓶', 75, ['气泡水']],
      ['元气森林 苏打气泡水 青瓜味 480ml×15瓶', 75, ['气泡水']],
      ['元气森林 苏打气泡水 白桃味 330ml×24罐', 96, ['气泡水']],
    ],
  },
  // 功能饮料
  {
    brand: '红牛',
    code: 'RB',
    category: '功能饮料',
    shelfLifeDays: 540,
    products: [
      ['红牛 维生素功能饮料 250ml×24罐', 120, ['redbull']],
      ['红牛 维生素牛磺酸饮料 强化型 250ml×24罐', 130, ['redbull']],
    ],
  },
  {
    brand: '东鹏特饮',
    code: 'DP',
    category: '功能饮料',
    shelfLifeDays: 540,
    products: [
      ['东鹏特饮 维生素功能饮料 500ml×24瓶', 96],
      ['东鹏特饮 维生素功能饮料 250ml×24瓶', 68],
      ['东鹏 补水啦 电解质饮料 555ml×24瓶', 84],
    ],
  },
  {
    brand: '脉动',
    code: 'MD',
    category: '功能饮料',
    shelfLifeDays: 450,
    products: [
      ['脉动 维生素饮料 青柠口味 600ml×15瓶', 60],
      ['脉动 维生素饮料 桃子口味 600ml×15瓶', 60],
      ['脉动 维生素饮料 芒果口味 600ml×15瓶', 60],
      ['脉动 维生素饮料 青柠口味 400ml×15瓶', 48],
    ],
  },
  {
    brand: '佳得乐',
    code: 'GTR',
    category: '功能饮料',
    shelfLifeDays: 450,
    products: [
      ['佳得乐 运动饮料 蓝莓味 600ml×15瓶', 66, ['gatorade']],
      ['佳得乐 运动饮料 橙味 600ml×15瓶', 66, ['gatorade']],
    ],
  },
  {
    brand: '元气森林',
    code: 'YQSL',
    category: '功能饮料',
    shelfLifeDays: 270,
    products: [
      ['元气森林 外星人电解质水 荔枝海盐味 500ml×15瓶', 78],
      ['元气森林 外星人电解质水 青柠口味 500ml×15瓶', 78],
    ],
  },
  // 果汁饮料
  {
    brand: '汇源',
    code: 'HY',
    category: '果汁饮料',
    shelfLifeDays: 365,
    products: [
      ['汇源 100%橙汁 1L×6盒', 72],
      ['汇源 100%苹果汁 1L×6盒', 72],
      ['汇源 100%桃汁 1L×6盒', 72],
      ['汇源 100%葡萄汁 1L×6盒', 78],
      ['汇源 果肉多 橙汁饮料 500ml×15瓶', 54],
    ],
  },
  {
    brand: '美汁源',
    code: 'MZY',
    category: '果汁饮料',
    shelfLifeDays: 270,
    products: [
      ['美汁源 果粒橙 420ml×12瓶', 42],
      ['美汁源 果粒橙 1.25L×12瓶', 84],
      ['美汁源 热带果粒 420ml×12瓶', 42],
    ],
  },
  {
    brand: '统一',
    code: 'TY',
    category: '果汁饮料',
    shelfLifeDays: 270,
    products: [
      ['统一 鲜橙多 450ml×15瓶', 45],
      ['统一 鲜橙多 1.5L×6瓶', 42],
    ],
  },
  {
    brand: '康师傅',
    code: 'KSF',
    category: '果汁饮料',
    shelfLifeDays: 270,
    products: [
      ['康师傅 鲜果橙 橙汁饮料 500ml×15瓶', 45],
      ['康师傅 水晶葡萄 葡萄汁饮料 500ml×15瓶', 45],
    ],
  },
  {
    brand: '椰树',
    code: 'YS',
    category: '果汁饮料',
    shelfLifeDays: 540,
    products: [
      ['椰树 椰汁 245ml×24罐', 86, ['椰奶']],
      ['椰树 椰汁 1L×12盒', 120, ['椰奶']],
    ],
  },
  // 植物蛋白饮料
  {
    brand: '六个核桃',
    code: 'LGHT',
    category: '植物蛋白饮料',
    shelfLifeDays: 540,
    products: [
      ['六个核桃 核桃乳 240ml×20罐', 76],
      ['六个核桃 精品型核桃乳 240ml×20罐', 92],
      ['六个核桃 无糖核桃乳 240ml×20罐', 88],
    ],
  },
  {
    brand: '露露',
    code: 'LL',
    category: '植物蛋白饮料',
    shelfLifeDays: 540,
    products: [
      ['露露 杏仁露 240ml×20罐', 72],
      ['露露 杏仁露 无糖 240ml×20罐', 76],
    ],
  },
  {
    brand: '维他奶',
    code: 'VITA',
    category: '植物蛋白饮料',
    shelfLifeDays: 270,
    products: [
      ['维他奶 原味豆奶 250ml×24盒', 60],
      ['维他奶 巧克力味豆奶 250ml×24盒', 62],
      ['维他奶 无糖豆奶 250ml×24盒', 64],
    ],
  },
  {
    brand: '银鹭',
    code: 'YL',
    category: '植物蛋白饮料',
    shelfLifeDays: 365,
    products: [
      ['银鹭 花生牛奶 450ml×15瓶', 60],
      ['银鹭 花生牛奶 250ml×24盒', 58],
    ],
  },
  {
    brand: '娃哈哈',
    code: 'WHH',
    category: '植物蛋白饮料',
    shelfLifeDays: 365,
    products: [
      ['娃哈哈 AD钙奶 220g×24瓶', 52],
      ['娃哈哈 营养快线 原味 500g×15瓶', 66],
      ['娃哈哈 营养快线 菠萝味 500g×15瓶', 66],
      ['娃哈哈 爽歪歪 200ml×20瓶', 48],
    ],
  },
  // 乳制品
  {
    brand: '伊利',
    code: 'YILI',
    category: '乳制品',
    shelfLifeDays: 180,
    products: [
      ['伊利 纯牛奶 250ml×24盒', 66],
      ['伊利 纯牛奶 250ml×16盒', 46],
      ['伊利 脱脂纯牛奶 250ml×24盒', 70],
      ['伊利 金典 纯牛奶 250ml×12盒', 60],
      ['伊利 金典 有机纯牛奶 250ml×12盒', 72],
      ['伊利 舒化 无乳糖牛奶 220ml×12盒', 52],
      ['伊利 安慕希 希腊风味酸奶 原味 205g×12盒', 66],
      ['伊利 安慕希 希腊风味酸奶 黄桃燕麦 200g×10盒', 60],
      ['伊利 优酸乳 原味 250ml×24盒', 48],
      ['伊利 QQ星 儿童成长牛奶 125ml×20盒', 56],
      ['伊利 畅轻 风味发酵乳 燕麦 250g×12瓶', 86],
    ],
  },
  {
    brand: '蒙牛',
    code: 'MN',
    category: '乳制品',
    shelfLifeDays: 180,
    products: [
      ['蒙牛 纯牛奶 250ml×24盒', 64],
      ['蒙牛 纯牛奶 250ml×16盒', 44],
      ['蒙牛 特仑苏 纯牛奶 250ml×12盒', 65],
      ['蒙牛 特仑苏 低脂纯牛奶 250ml×12盒', 65],
      ['蒙牛 纯甄 风味酸奶 原味 200g×12盒', 62],
      ['蒙牛 纯甄 风味酸奶 草莓果粒 200g×10盒', 58],
      ['蒙牛 真果粒 草莓果粒 250g×12盒', 50],
      ['蒙牛 酸酸乳 原味 250ml×24盒', 48],
      ['蒙牛 未来星 儿童成长牛奶 190ml×12盒', 54],
      ['蒙牛 冠益乳 风味发酵乳 原味 250g×12瓶', 84],
    ],
  },
  {
    brand: '光明',
    code: 'GM',
    category: '乳制品',
    shelfLifeDays: 150,
    products: [
      ['光明 莫斯利安 常温酸奶 原味 200g×12盒', 66],
      ['光明 纯牛奶 250ml×24盒', 62],
      ['光明 优倍 高品质鲜牛奶 950ml×6瓶', 108],
    ],
  },
  {
    brand: '旺旺',
    code: 'WW',
    category: '乳制品',
    shelfLifeDays: 365,
    products: [
      ['旺仔牛奶 原味 245ml×24罐', 110],
      ['旺仔牛奶 原味 125ml×20盒', 52],
    ],
  },
  {
    brand: '养乐多',
    code: 'YLD',
    category: '乳制品',
    shelfLifeDays: 30,
    products: [
      ['养乐多 活菌型乳酸菌乳饮品 100ml×50瓶', 125],
      ['养乐多 低糖 活菌型乳酸菌乳饮品 100ml×50瓶', 130],
    ],
  },
  {
    brand: '妙可蓝多',
    code: 'MKLD',
    category: '乳制品',
    shelfLifeDays: 240,
    products: [
      ['妙可蓝多 儿童奶酪棒 原味 500g×10袋', 420],
      ['妙可蓝多 马苏里拉奶酪碎 450g×12袋', 360],
    ],
  },
  // 方便食品
  {
    brand: '康师傅',
    code: 'KSF',
    category: '方便食品',
    shelfLifeDays: 180,
    products: [
      ['康师傅 红烧牛肉面 103g×24袋', 62, ['方便面', '泡面']],
      ['康师傅 老坛酸菜牛肉面 114g×24袋', 62, ['方便面', '泡面']],
      ['康师傅 鲜虾鱼板面 98g×24袋', 62, ['方便面', '泡面']],
      ['康师傅 香辣牛肉面 105g×24袋', 62, ['方便面', '泡面']],
      ['康师傅 红烧牛肉面 五连包 (103g×5)×6提', 78, ['方便面', '泡面']],
      ['康师傅 红烧牛肉面 桶面 110g×12桶', 54, ['方便面', '泡面']],
      ['康师傅 老坛酸菜牛肉面 桶面 120g×12桶', 54, ['方便面', '泡面']],
      ['康师傅 汤大师 日式豚骨拉面 113g×12袋', 66, ['方便面', '泡面']],
      ['康师傅 番茄鸡蛋面 100g×24袋', 62, ['方便面', '泡面']],
    ],
  },
  {
    brand: '统一',
    code: 'TY',
    category: '方便食品',
    shelfLifeDays: 180,
    products: [
      ['统一 老坛酸菜牛肉面 121g×24袋', 62, ['方便面', '泡面']],
      ['统一 红烧牛肉面 100g×24袋', 60, ['方便面', '泡面']],
      ['统一 来一桶 老坛酸菜牛肉面 桶面 122g×12桶', 54, ['方便面', '泡面']],
      ['统一 汤达人 日式豚骨拉面 125g×12袋', 72, ['方便面', '泡面']],
      ['统一 满汉大餐 葱烧牛肉面 187g×12袋', 96, ['方便面', '泡面']],
    ],
  },
  {
    brand: '今麦郎',
    code: 'JML',
    category: '方便食品',
    shelfLifeDays: 180,
    products: [
      ['今麦郎 一桶半 红烧牛肉面 桶面 145g×12桶', 50, ['方便面', '泡面']],
      ['今麦郎 弹面 红烧牛肉面 115g×24袋', 46, ['方便面', '泡面']],
      ['今麦郎 老范家 速食面馆 酸菜牛肉面 桶面 140g×12桶', 66, ['方便面', '泡面']],
    ],
  },
  {
    brand: '白象',
    code: 'BX',
    category: '方便食品',
    shelfLifeDays: 180,
    products: [
      ['白象 汤好喝 老母鸡汤面 108g×24袋', 70, ['方便面', '泡面']],
      ['白象 大骨面 红烧排骨面 75g×24袋', 42, ['方便面', '泡面']],
    ],
  },
  {
    brand: '好欢螺',
    code: 'HHL',
    category: '方便食品',
    shelfLifeDays: 180,
    products: [
      ['好欢螺 柳州螺蛳粉 400g×10袋', 138],
      ['好欢螺 柳州螺蛳粉 加辣加臭 400g×10袋', 138],
    ],
  },
  {
    brand: '白家陈记',
    code: 'BJ',
    category: '方便食品',
    shelfLifeDays: 180,
    products: [
      ['白家陈记 酸辣粉 桶装 105g×24桶', 120],
      ['白家陈记 重庆小面 麻辣味 105g×24桶', 108],
    ],
  },
  {
    brand: '自嗨锅',
    code: 'ZHG',
    category: '方便食品',
    shelfLifeDays: 270,
    products: [
      ['自嗨锅 麻辣牛肉 自热火锅 400g×12盒', 360],
      ['自嗨锅 番茄牛腩 自热米饭 260g×12盒', 240],
    ],
  },
  { brand: '娃哈哈', code: 'WHH', category: '方便食品', shelfLifeDays: 720, products: [['娃哈哈 桂圆莲子八宝粥 360g×12罐', 54]] },
  {
    brand: '银鹭',
    code: 'YL',
    category: '方便食品',
    shelfLifeDays: 720,
    products: [
      ['银鹭 桂圆莲子八宝粥 360g×12罐', 52],
      ['银鹭 好粥道 莲子玉米粥 280g×12罐', 58],
    ],
  },
  // 肉制品
  {
    brand: '双汇',
    code: 'SH',
    category: '肉制品',
    shelfLifeDays: 180,
    products: [
      ['双汇 王中王 优级火腿肠 60g×10支×10袋', 150],
      ['双汇 玉米热狗肠 40g×10支×12袋', 120],
      ['双汇 香辣香肠 32g×10支×12袋', 96],
      ['双汇 午餐肉罐头 340g×24罐', 360],
    ],
  },
  {
    brand: '梅林',
    code: 'ML',
    category: '肉制品',
    shelfLifeDays: 1080,
    products: [
      ['梅林 午餐肉罐头 340g×24罐', 396],
      ['梅林 火腿猪肉罐头 198g×24罐', 288],
    ],
  },
  // 休闲零食
  {
    brand: '乐事',
    code: 'LAYS',
    category: '休闲零食',
    shelfLifeDays: 270,
    products: [
      ['乐事 薯片 美国经典原味 70g×22袋', 99, ["lay's"]],
      ['乐事 薯片 黄瓜味 70g×22袋', 99, ["lay's"]],
      ['乐事 薯片 意大利香浓红烩味 70g×22袋', 99, ["lay's"]],
      ['乐事 薯片 墨西哥鸡汁番茄味 70g×22袋', 99, ["lay's"]],
      ['乐事 无限 罐装薯片 原味 104g×12罐', 110, ["lay's"]],
      ['乐事 大波浪 薯片 碳烤五花肉味 70g×22袋', 103, ["lay's"]],
    ],
  },
  {
    brand: '好丽友',
    code: 'ORN',
    category: '休闲零食',
    shelfLifeDays: 270,
    products: [
      ['好丽友 薯愿 香烤原味 104g×12罐', 108, ['orion']],
      ['好丽友 呀!土豆 番茄酱味 70g×20盒', 96, ['orion']],
      ['好丽友 好多鱼 鲜香烧烤味 33g×36盒', 118, ['orion']],
    ],
  },
  {
    brand: '旺旺',
    code: 'WW',
    category: '休闲零食',
    shelfLifeDays: 270,
    products: [
      ['旺旺 雪饼 原味 84g×30袋', 120],
      ['旺旺 仙贝 原味 52g×40袋', 128],
      ['旺旺 旺仔小馒头 原味 210g×20袋', 150],
      ['旺旺 浪味仙 蔬菜味 70g×24袋', 96],
      ['旺旺 旺仔QQ糖 水蜜桃味 20g×60袋', 72],
    ],
  },
  {
    brand: '达利园',
    code: 'DLY',
    category: '休闲零食',
    shelfLifeDays: 270,
    products: [
      ['达利园 可比克 薯片 烧烤味 60g×24袋', 72],
      ['达利园 可比克 薯片 番茄味 60g×24袋', 72],
    ],
  },
  {
    brand: '洽洽',
    code: 'QQ',
    category: '休闲零食',
    shelfLifeDays: 240,
    products: [
      ['洽洽 香瓜子 五香味 260g×20袋', 180],
      ['洽洽 焦糖瓜子 山核桃味 308g×20袋', 220],
      ['洽洽 每日坚果 原味 750g×6盒', 540],
      ['洽洽 蓝袋 椒盐味瓜子 160g×30袋', 210],
    ],
  },
  {
    brand: '三只松鼠',
    code: 'SZSS',
    category: '休闲零食',
    shelfLifeDays: 240,
    products: [
      ['三只松鼠 每日坚果 750g×6盒', 600],
      ['三只松鼠 夏威夷果 奶油味 160g×20袋', 420],
      ['三只松鼠 碧根果 奶油味 160g×20袋', 440],
      ['三只松鼠 手剥巴旦木 奶油味 160g×20袋', 400],
    ],
  },
  {
    brand: '卫龙',
    code: 'WL',
    category: '休闲零食',
    shelfLifeDays: 180,
    products: [
      ['卫龙 大面筋 辣条 102g×20袋', 80],
      ['卫龙 魔芋爽 香辣味 180g×20袋', 160],
      ['卫龙 亲嘴烧 红烧牛肉味 20片×20袋', 120],
    ],
  },
  {
    brand: '德芙',
    code: 'DOVE',
    category: '休闲零食',
    shelfLifeDays: 365,
    products: [
      ['德芙 丝滑牛奶巧克力 43g×24条', 168, ['dove', 'chocolate']],
      ['德芙 黑巧克力 66% 80g×12排', 180, ['dove', 'chocolate']],
    ],
  },
  {
    brand: '士力架',
    code: 'SNKR',
    category: '休闲零食',
    shelfLifeDays: 365,
    products: [['士力架 花生夹心巧克力 51g×24条', 120, ['snickers', 'chocolate']]],
  },
  {
    brand: '徐福记',
    code: 'XFJ',
    category: '休闲零食',
    shelfLifeDays: 180,
    products: [
      ['徐福记 沙琪玛 鸡蛋味 469g×10袋', 210],
      ['徐福记 酥心糖 什锦味 500g×10袋', 260],
    ],
  },
  // 饼干糕点
  {
    brand: '奥利奥',
    code: 'OREO',
    category: '饼干糕点',
    shelfLifeDays: 365,
    products: [
      ['奥利奥 夹心饼干 原味 97g×24袋', 120, ['oreo']],
      ['奥利奥 夹心饼干 巧克力味 97g×24袋', 120, ['oreo']],
      ['奥利奥 夹心饼干 草莓味 97g×24袋', 120, ['oreo']],
      ['奥利奥 夹心饼干 家庭装 原味 388g×12袋', 190, ['oreo']],
    ],
  },
  {
    brand: '好丽友',
    code: 'ORN',
    category: '饼干糕点',
    shelfLifeDays: 270,
    products: [
      ['好丽友 派 巧克力味 6枚×12盒', 150, ['orion', '巧克力派']],
      ['好丽友 蛋黄派 6枚×12盒', 132, ['orion']],
      ['好丽友 蘑古力 巧克力味 48g×24盒', 144, ['orion']],
    ],
  },
  {
    brand: '达利园',
    code: 'DLY',
    category: '饼干糕点',
    shelfLifeDays: 180,
    products: [
      ['达利园 蛋黄派 1kg×6箱', 150],
      ['达利园 法式软面包 香奶味 400g×10袋', 150],
      ['达利园 好吃点 香脆核桃饼 108g×24袋', 130],
      ['达利园 瑞士卷 草莓味 240g×12袋', 168],
    ],
  },
  {
    brand: '盼盼',
    code: 'PP',
    category: '饼干糕点',
    shelfLifeDays: 150,
    products: [
      ['盼盼 法式小面包 奶香味 200g×12袋', 108],
      ['盼盼 麦香鸡味块 105g×24袋', 96],
      ['盼盼 梅尼耶 干蛋糕 300g×12袋', 180],
    ],
  },
  {
    brand: '康师傅',
    code: 'KSF',
    category: '饼干糕点',
    shelfLifeDays: 365,
    products: [
      ['康师傅 3+2 苏打夹心饼干 柠檬味 125g×24袋', 120],
      ['康师傅 妙芙 欧式蛋糕 巧克力味 48g×24袋', 108],
    ],
  },
  { brand: '嘉士利', code: 'JSL', category: '饼干糕点', shelfLifeDays: 300, products: [['嘉士利 早餐饼干 牛奶味 400g×12袋', 144]] },
  {
    brand: '太平',
    code: 'TP',
    category: '饼干糕点',
    shelfLifeDays: 365,
    products: [
      ['太平 苏打饼干 奶盐味 400g×12袋', 156, ['梳打饼干']],
      ['太平 苏打饼干 香葱味 400g×12袋', 156, ['梳打饼干']],
    ],
  },
  // 调味品
  {
    brand: '海天',
    code: 'HT',
    category: '调味品',
    shelfLifeDays: 720,
    products: [
      ['海天金标生抽酱油1.28L×6瓶', 96],
      ['海天金标生抽酱油500ml×12瓶', 84],
      ['海天味极鲜酱油1.9L×6瓶', 132],
      ['海天草菇老抽酱油500ml×12瓶', 90],
      ['海天上等蚝油700g×12瓶', 144],
      ['海天古道料酒450ml×12瓶', 78],
      ['海天黄豆酱800g×12瓶', 120],
      ['海天白米醋450ml×12瓶', 60],
      ['海天鸡精调味料200g×20袋', 120],
      ['海天番茄沙司番茄酱320g×12瓶', 96],
      ['海天招牌拌饭酱香菇肉丁300g×12瓶', 156],
    ],
  },
  {
    brand: '李锦记',
    code: 'LKK',
    category: '调味品',
    shelfLifeDays: 720,
    products: [
      ['李锦记 薄盐生抽 500ml×12瓶', 138],
      ['李锦记 锦珍生抽 1.65L×6瓶', 120],
      ['李锦记 精选老抽 500ml×12瓶', 120],
      ['李锦记 旧庄特级蚝油 255g×12瓶', 156],
      ['李锦记 蒸鱼豉油 410ml×12瓶', 132],
      ['李锦记 蒜蓉辣椒酱 226g×12瓶', 120],
    ],
  },
  {
    brand: '厨邦',
    code: 'CB',
    category: '调味品',
    shelfLifeDays: 720,
    products: [
      ['厨邦 美味鲜酱油 1.63L×6瓶', 96],
      ['厨邦 鸡精 200g×20袋', 120],
      ['厨邦 金品生抽 1.25L×6瓶', 110],
    ],
  },
  {
    brand: '千禾',
    code: 'QH',
    category: '调味品',
    shelfLifeDays: 540,
    products: [
      ['千禾 零添加 特级生抽 1L×12瓶', 216],
      ['千禾 零添加 糯米香醋 1L×12瓶', 168],
    ],
  },
  {
    brand: '老干妈',
    code: 'LGM',
    category: '调味品',
    shelfLifeDays: 540,
    products: [
      ['老干妈 风味豆豉油制辣椒 280g×24瓶', 240],
      ['老干妈 香辣脆油辣椒 210g×24瓶', 216],
      ['老干妈 风味鸡油辣椒 280g×24瓶', 264],
      ['老干妈 油辣椒 干煸肉丝 210g×24瓶', 252],
    ],
  },
  {
    brand: '恒顺',
    code: 'HS',
    category: '调味品',
    shelfLifeDays: 1080,
    products: [
      ['恒顺 镇江香醋 500ml×12瓶', 84],
      ['恒顺 镇江香醋 六年陈酿 580ml×12瓶', 168],
    ],
  },
  {
    brand: '紫林',
    code: 'ZL',
    category: '调味品',
    shelfLifeDays: 1080,
    products: [
      ['紫林 山西老陈醋 500ml×12瓶', 72],
      ['紫林 山西老陈醋 2.3L×6桶', 90],
    ],
  },
  {
    brand: '太太乐',
    code: 'TTL',
    category: '调味品',
    shelfLifeDays: 540,
    products: [
      ['太太乐 鸡精 200g×20袋', 128],
      ['太太乐 鲜鸡汁 238g×12瓶', 156],
      ['太太乐 原味鲜 鸡精 454g×20袋', 260],
    ],
  },
  {
    brand: '乌江',
    code: 'WJ',
    category: '调味品',
    shelfLifeDays: 360,
    products: [
      ['乌江 涪陵榨菜 鲜脆菜丝 80g×100袋', 150],
      ['乌江 涪陵榨菜 清爽榨菜片 80g×100袋', 150],
    ],
  },
  { brand: '鹃城', code: 'JC', category: '调味品', shelfLifeDays: 720, products: [['鹃城牌 郫县豆瓣酱 500g×20袋', 180]] },
  {
    brand: '海底捞',
    code: 'HDL',
    category: '调味品',
    shelfLifeDays: 540,
    products: [
      ['海底捞 牛油火锅底料 麻辣 220g×30袋', 360],
      ['海底捞 番茄火锅底料 200g×30袋', 330],
      ['海底捞 清油火锅底料 220g×30袋', 330],
    ],
  },
  { brand: '王守义', code: 'WSY', category: '调味品', shelfLifeDays: 720, products: [['王守义 十三香 调味料 45g×100盒', 400]] },
  { brand: '莲花', code: 'LH', category: '调味品', shelfLifeDays: 1080, products: [['莲花 味精 400g×30袋', 270]] },
  {
    brand: '中盐',
    code: 'ZY',
    category: '调味品',
    shelfLifeDays: 1080,
    products: [
      ['中盐 精制加碘食用盐 400g×40袋', 100],
      ['中盐 未加碘 海藻盐 250g×40袋', 140],
    ],
  },
  {
    brand: '太古',
    code: 'TG',
    category: '调味品',
    shelfLifeDays: 720,
    products: [
      ['太古 优级白砂糖 454g×24袋', 150],
      ['太古 冰糖 350g×24袋', 168],
    ],
  },
  // 粮油
  {
    brand: '金龙鱼',
    code: 'JLY',
    category: '粮油',
    shelfLifeDays: 540,
    products: [
      ['金龙鱼 黄金比例 食用植物调和油 5L×4桶', 320],
      ['金龙鱼 纯正花生油 5L×4桶', 520],
      ['金龙鱼 玉米油 4L×4桶', 300],
      ['金龙鱼 葵花籽油 4L×4桶', 320],
      ['金龙鱼 优质东北大米 5kg×4袋', 200],
      ['金龙鱼 雪花 小麦粉 5kg×4袋', 140],
    ],
  },
  {
    brand: '鲁花',
    code: 'LUH',
    category: '粮油',
    shelfLifeDays: 540,
    products: [
      ['鲁花 5S压榨一级花生油 5L×4桶', 680],
      ['鲁花 5S压榨一级花生油 1.8L×6桶', 330],
      ['鲁花 压榨葵花仁油 5L×4桶', 480],
      ['鲁花 自然鲜 酱香酱油 1L×12瓶', 192],
    ],
  },
  {
    brand: '福临门',
    code: 'FLM',
    category: '粮油',
    shelfLifeDays: 540,
    products: [
      ['福临门 一级大豆油 5L×4桶', 260],
      ['福临门 家香味 压榨菜籽油 5L×4桶', 360],
      ['福临门 东北大米 5kg×4袋', 180],
    ],
  },
  {
    brand: '十月稻田',
    code: 'SYDT',
    category: '粮油',
    shelfLifeDays: 360,
    products: [
      ['十月稻田 五常大米 稻花香 5kg×4袋', 360],
      ['十月稻田 长粒香大米 5kg×4袋', 220],
    ],
  },
  {
    brand: '陈克明',
    code: 'CKM',
    category: '粮油',
    shelfLifeDays: 365,
    products: [
      ['陈克明 鸡蛋挂面 1kg×10袋', 120],
      ['陈克明 龙须挂面 1kg×10袋', 100],
    ],
  },
  // 啤酒
  {
    brand: '青岛啤酒',
    code: 'TSI',
    category: '啤酒',
    shelfLifeDays: 365,
    products: [
      ['青岛啤酒 经典 10度 330ml×24罐', 96, ['tsingtao']],
      ['青岛啤酒 纯生 500ml×12罐', 84, ['tsingtao']],
      ['青岛啤酒 白啤 500ml×12罐', 96, ['tsingtao']],
      ['青岛啤酒 经典 10度 500ml×24罐', 132, ['tsingtao']],
    ],
  },
  {
    brand: '雪花',
    code: 'SNOW',
    category: '啤酒',
    shelfLifeDays: 365,
    products: [
      ['雪花啤酒 勇闯天涯 500ml×12罐', 60],
      ['雪花啤酒 清爽 8度 330ml×24罐', 72],
      ['雪花啤酒 纯生 500ml×12罐', 72],
    ],
  },
  {
    brand: '百威',
    code: 'BUD',
    category: '啤酒',
    shelfLifeDays: 365,
    products: [
      ['百威啤酒 经典醇正 500ml×18罐', 150, ['budweiser']],
      ['百威啤酒 经典醇正 330ml×24罐', 132, ['budweiser']],
    ],
  },
  {
    brand: '燕京',
    code: 'YJ',
    category: '啤酒',
    shelfLifeDays: 365,
    products: [
      ['燕京啤酒 U8 小度酒 500ml×12罐', 72],
      ['燕京啤酒 清爽 330ml×24罐', 60],
    ],
  },
  {
    brand: '哈尔滨啤酒',
    code: 'HRB',
    category: '啤酒',
    shelfLifeDays: 365,
    products: [
      ['哈尔滨啤酒 冰纯 330ml×24罐', 68],
      ['哈尔滨啤酒 小麦王 500ml×12罐', 56],
    ],
  },
  // 白酒
  {
    brand: '牛栏山',
    code: 'NLS',
    category: '白酒',
    shelfLifeDays: 3650,
    products: [
      ['牛栏山 陈酿 二锅头 42度 500ml×12瓶', 180],
      ['牛栏山 珍品 二锅头 52度 500ml×6瓶', 240],
    ],
  },
  {
    brand: '红星',
    code: 'HX',
    category: '白酒',
    shelfLifeDays: 3650,
    products: [
      ['红星 二锅头 56度 500ml×12瓶', 168],
      ['红星 蓝瓶 二锅头 绵柔8纯粮 43度 500ml×12瓶', 300],
    ],
  },
  { brand: '江小白', code: 'JXB', category: '白酒', shelfLifeDays: 3650, products: [['江小白 表达瓶 40度 100ml×24瓶', 480]] },
];

/** A valid EAN-13 from its 12 digits (the check digit added). */
export function ean13(body: string): string {
  const sum = [...body].reverse().reduce((total, digit, position) => total + Number(digit) * (position % 2 === 0 ? 3 : 1), 0);
  return `${body}${(10 - (sum % 10)) % 10}`;
}

/** Pieces per case: the number after the last × or * of the name (五连包 × 6 提: 6). */
function caseSizeOf(name: string): number {
  const match = /[×*]\s*(\d+)[^×*\d]*$/.exec(name);
  if (!match) throw new Error(`no case size in ${name}`);
  return Number(match[1]);
}

function products(): DemoProduct[] {
  const brands = [...new Set(LINES.map((line) => line.brand))];
  const items = new Map<string, number>();
  return LINES.flatMap((line) =>
    line.products.map(([name, yuan, keywords], index) => {
      const prefix = `${CATEGORIES[line.category]}-${line.code}`;
      const number = index + 1;
      const item = (items.get(line.brand) ?? 0) + 1;
      items.set(line.brand, item);
      // 69, a five-digit company number per brand, the brand's item number.
      const company = String(21_000 + brands.indexOf(line.brand) * 37).padStart(5, '0');
      return {
        sku: `${prefix}-${String(number).padStart(2, '0')}`,
        name,
        brand: line.brand,
        category: line.category,
        gtin: ean13(`69${company}${String(item).padStart(5, '0')}`),
        unit: '箱',
        caseSize: caseSizeOf(name),
        shelfLifeDays: line.shelfLifeDays,
        basePriceMinor: Math.round(yuan * 100),
        ...(keywords && { keywords }),
      };
    }),
  );
}

export const DEMO_PRODUCTS: readonly DemoProduct[] = products();
