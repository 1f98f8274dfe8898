// Realistic text for a municipal result table with a 該当箇所 column (a prefectural plan's consultation):
// 12 hand-written comments and answers, combined deterministically into as many items as a test needs.

const BASE: [location: string, comment: string, response: string][] = [
  ['第2章 P.12', '通学路の安全対策について、危険箇所の点検結果を地域住民にも公表し、改善の進捗が分かるようにしてほしい。', '通学路の合同点検の結果は、市のホームページで公表しており、対策の実施状況も年1回更新しています。'],
  ['第2章 P.14', '子育て支援センターの開所時間を平日の夜間まで延長してほしい。共働き世帯が利用しにくい。', '開所時間の延長については、利用者の意向調査を踏まえ、今後の参考とさせていただきます。'],
  ['第3章 P.20', '高齢者の移動手段の確保のため、デマンド型交通の運行区域を郊外の集落まで広げるべきである。', 'ご意見を踏まえ、計画案の「施策3-2」に「運行区域の拡大を検討する」旨を追記します。'],
  ['第3章 P.22', '空き家の活用について、所有者への相談窓口の周知が不足している。広報紙だけでなくSNSも活用すべき。', '空き家相談窓口の周知は、広報紙のほかSNS(LINE、X)でも行っており、引き続き周知に努めます。'],
  ['第4章 P.31', '再生可能エネルギーの導入目標(2030年度に30%)は低すぎる。国の目標と整合させて引き上げるべき。', '導入目標は、市域の導入ポテンシャル調査の結果を踏まえて設定したものであり、原案どおりとします。'],
  ['第4章 P.33', '太陽光発電設備の設置に伴う森林伐採や景観への影響について、ガイドラインを策定してほしい。', '県のガイドラインに基づき、事業者への指導を行っています。市独自の基準については、今後検討します。'],
  ['第5章 P.40', '防災訓練に外国人住民が参加しやすいよう、やさしい日本語や多言語での案内を用意すべきである。', 'ご指摘のとおり、多言語での案内を作成し、令和8年度の総合防災訓練から活用します。'],
  ['第5章 P.42', '避難所のトイレや更衣スペースについて、女性や障害のある方の視点を取り入れた運営にしてほしい。', '避難所運営マニュアルに、女性や要配慮者の視点を取り入れた運営について既に記載しています。'],
  ['第6章 P.50', '図書館の開館日を増やし、学習スペースを拡充してほしい。中高生の居場所が少ない。', '図書館の開館日及び学習スペースについては、施設の改修計画の中で検討してまいります。'],
  ['第6章 P.51', '市民病院の医師不足が深刻であり、計画に具体的な確保策を盛り込むべきである。', '医師の確保については、大学との連携による派遣の継続など、第6章1(2)に記載のとおり取り組みます。'],
  ['全体', '計画全体として数値目標が少なく、達成状況を市民が検証できない。KPIを設定し毎年公表すべき。', '各施策の成果指標は別冊の進捗管理表で定めており、毎年度、市議会に報告するとともに公表します。'],
  ['全体', 'パブリックコメントの実施期間が短い。資料も専門的で分かりにくいので、説明会を開催してほしい。', '意見募集の期間は条例で定める30日以上としています。今後は概要版を作成するなど、分かりやすい資料に努めます。'],
];

export interface MunicipalItem {
  number: string;
  location: string;
  comment: string;
  response: string;
}

/** n items; item k combines base comment k mod 12 with a second sentence from another, so no two are alike.
 *  Every `long`-th item is made long enough to be cut by a page break. */
export function municipalItems(n: number, long = 7): MunicipalItem[] {
  return Array.from({ length: n }, (_, k) => {
    const [location, c, r] = BASE[k % BASE.length];
    const [, c2, r2] = BASE[(k * 5 + 3) % BASE.length];
    const repeat = k % long === long - 1 ? 6 : 1;
    return {
      number: String(k + 1),
      location,
      comment: c + Array.from({ length: repeat }, (_, j) => `また、${j ? `${j + 1}点目として、` : ''}${c2}`).join(''),
      response: r + (k % 3 === 0 ? `なお、${r2}` : ''),
    };
  });
}
