"""The demo's essay contest: the plan's 主题征文 (“围绕全面建成小康社会、推进六个高质量发展和大众
创业、万众创新等，开展1次主题征文活动”, 综合处, by 6.30), called in May, judged and published by
the demo date.

The rubric, the judges, the steps and every score go through the services, as the office and
the judges would. The twelve entries are written as records: most demo staff have no login and
so cannot act through the services themselves (as in the participation demo); each gets its
number and its originality document as a submission would, and the check runs here at once
(`documents_check`), so the entries list shows the copy ratios. One more entry copies whole
passages of the plan: where the plan is in the office's reference library (build this demo
after `_reference_library`) its report is flagged and the office disqualifies it.

The texts are generated from shared sentences with interchangeable wordings (`[甲|乙]`), each
author's own choice of common words (`VOICE`) and their own experience (`SUBJECTS`, `STORIES`):
like real essays on one theme they share some phrases, but none is flagged as copied (`SEED`).
"""

from __future__ import annotations

import datetime as dt
import random
import re
from decimal import Decimal
from importlib import resources

from django.db import transaction
from django.utils import timezone

from huodong.campaigns.models import Campaign
from huodong.contests import services
from huodong.contests.models import Contest, Criterion, Entry, EntryStatus
from huodong.core.clock import frozen_at
from huodong.orgs.models import Person, Role, User
from huodong.originality.models import OriginalityReport
from huodong.originality.services import document_sync_contest_entry, documents_check
from huodong.participation.wordcount import word_count

TITLE = "“解放思想、奋勇争先”主题征文"
THEME = "围绕全面建成小康社会、推进六个高质量发展和大众创业、万众创新"
RULES = """一、征文对象：市政务服务管理办公室全体干部职工及入驻窗口工作人员，欢迎社会各界人士参与。
二、征文要求：紧扣主题，联系思想和工作实际，观点鲜明，言之有物；体裁不限，字数800字以上、5000字以内；须为原创，严禁抄袭。所有来稿经查重检测。
三、评审办法：评委匿名评审，按编号打分，从思想性、针对性、创新性、文字表达四个方面评分，取平均分排名。
四、奖项设置：一等奖1名、二等奖2名、三等奖3名。获奖作品在单位网站“解放思想大讨论”专栏刊发。"""
OPENS = dt.date(2018, 5, 21)
CLOSES = dt.date(2018, 6, 8)
MIN_CHARS = 800
MAX_CHARS = 5000
RUBRIC = [
    ("思想性", "立意高远，主题鲜明，体现解放思想的要求", 30),
    ("针对性", "联系实际，查找问题准，对策可行", 25),
    ("创新性", "观点新颖，有独到见解", 25),
    ("文字表达", "结构严谨，语言流畅，文风朴实", 20),
]
AWARDS = [("一等奖", 1), ("二等奖", 2), ("三等奖", 3)]
# Judges: the deputy director leading 改革再发力 and the heads of two lead units.
JUDGE_LOGINS = ["tongxuebao", "yewuchu", "shichangchu"]
SHOWCASE_LOGIN = "chuangkou"  # the window staff member of the demo enters too
ENTRIES = 12
# Drawn so that no two essays share more than a fifth of their text (`tests/test_demo.py`).
SEED = 2018175

# (title, the subject the essay is about, what its author knows of it first-hand)
SUBJECTS = [
    ("以“不见面审批”为抓手 跑出政务服务加速度", "不见面审批",
     "去年以来，我们梳理出可网上办理事项清单，申请人足不出户即可提交材料。但在实际工作中，"
     "仍有不少申请人习惯到窗口咨询，网上申报的引导还要加强。下一步，我建议在大厅设立网上申报"
     "辅导区，由专人手把手帮办。"),
    ("让“便民方舟”真正便民", "便民方舟窗口服务",
     "节假日和午间时段，群众办事需求集中，而部分窗口却按常规时间休息。我们试行了午间不断档、"
     "周末预约办，群众反响很好。这说明，只要换位思考，很多难题都能找到解决办法。"),
    ("打破思维定势 推进公共资源交易全流程电子化", "公共资源交易电子化",
     "电子招投标系统上线后，投标人不必再往返递交纸质标书，开标时间大为缩短。可是个别评标专家"
     "对系统操作不熟，影响了评标效率。我们准备编写操作指南，并在每次开标前安排演练。"),
    ("从“最多跑一次”到“一次不用跑”", "网上办事",
     "我在窗口统计过一个月的办件，约有三成群众是因为材料不全而多跑一趟。如果把材料清单做成"
     "图文并茂的指引并推送到手机上，就能减少大量无效往返。"),
    ("以营商环境之优 促高质量发展之进", "营商环境",
     "走访企业时，一位外地投资者告诉我，他最看重的不是优惠政策，而是办事是否透明、可预期。"
     "这番话让我深受触动：营商环境没有最好，只有更好，每一个窗口都是城市的名片。"),
    ("解放思想看窗口：把方便留给群众", "窗口作风建设",
     "有一次，一位老人因为不会使用智能手机而无法预约，我们为他开通了绿色通道。事后我想，"
     "改革要让所有群众都享受到便利，不能让任何人掉队，这正是窗口作风建设的意义所在。"),
    ("保证金改革中的思想破冰", "保证金改革",
     "以往投标保证金退还要经过多个环节，企业资金占用时间长。推行电子保函后，企业不再需要"
     "缴纳现金保证金，减轻了负担。改革之初也有顾虑，但实践证明，敢于破冰才能赢得主动。"),
    ("用改革的办法破解企业开办难题", "企业开办",
     "企业开办涉及登记、刻章、申领发票等多个环节，过去各自为战。我们推行一窗受理、并联办理，"
     "把办理时间压缩到三个工作日以内，不少创业者专门送来锦旗表示感谢。"),
    ("在“互联网+政务服务”中争当先锋", "互联网+政务服务",
     "手机端办事越来越普及，但后台审批流程如果没有同步优化，线上提交也只是换了个入口。"
     "我认为，互联网思维的核心是以用户为中心，要从群众的使用体验倒推流程再造。"),
    ("立足岗位谈解放思想", "综合窗口改革",
     "综合窗口改革后，一名工作人员要熟悉多个部门的业务，起初大家都有畏难情绪。通过以老带新、"
     "集中培训，现在多数同志已经能够独立受理，服务效率明显提升。"),
    ("让数据多跑路 让群众少跑腿", "数据共享",
     "户籍、婚姻、社保等信息分散在不同部门，群众办事时常常被要求提供各类证明。推动这些数据"
     "在政务平台上共享调用，是减证便民最直接的办法，也最考验各部门打破壁垒的决心。"),
    ("以开放思维服务项目建设", "投资项目审批",
     "重大项目落地，时间就是效益。我们为重点项目配备专人全程代办，提前介入、容缺受理，"
     "一个项目的审批时间比原来缩短了一半，企业感受到了实实在在的宿迁速度。"),
]  # fmt: skip

# The author's own story, told in the third section.
STORIES = {
    "不见面审批": (
        "我曾接待过一位外地企业的财务人员，她原以为要专程赶来宿迁递交材料，得知全程网上即"
        "可办结后连声称赞。这件小事让我体会到，不见面审批不是减少了服务，而是把服务延伸到"
        "了屏幕的另一端。今后，我要把常见问题整理成问答，放到网上申报页面，让申请人少走弯"
        "路。"
    ),
    "便民方舟窗口服务": (
        "“便民方舟”这个名字，承载着群众的期待。我常想，方舟要载得动群众的需求，就不能只"
        "是一座漂亮的大楼，而要让每一项流程都经得起推敲。我们窗口把群众等候时间作为每周必"
        "看的指标，哪一天排队长了，第二天就调整人手，这种较真的劲头要坚持下去。"
    ),
    "公共资源交易电子化": (
        "在交易中心工作几年，我见证了从纸质标书堆满会议室到电子文件一键上传的变化。但电子"
        "化不是终点，交易数据的分析利用还很薄弱。如果能对历年投标报价进行比对分析，就可以"
        "更早发现围标串标的苗头，让交易更加公平公正。"
    ),
    "网上办事": (
        "有位大姐为办理一项证明，前后跑了三次，最后一次还是因为复印件不清晰被退回。她无奈"
        "地说，早知道这样就先打个电话问清楚。这句话一直留在我心里。群众的每一次多跑，都是"
        "我们工作没有做到位的地方，也是解放思想最该发力的地方。"
    ),
    "营商环境": (
        "营商环境是一个地方的软实力。我注意到，企业反映最多的并不是某一项具体政策，而是部"
        "门之间标准不一、口径不同。解决这个问题，需要我们打破条块分割，站在企业的角度重新"
        "审视每一个审批事项，能统一的标准尽快统一。"
    ),
    "窗口作风建设": (
        "窗口是展示形象的第一线，一句温暖的话、一个耐心的解释，往往比再多的制度更能赢得群"
        "众信任。我给自己定了一条规矩：对群众的咨询，能当场答复的不拖到明天，不能当场答复"
        "的留下电话，办结后主动回访。"
    ),
    "保证金改革": (
        "记得第一次向企业推荐电子保函时，对方半信半疑，担心银行不认可、手续更麻烦。我们一"
        "家一家上门讲解，联系银行开通绿色通道。几个月下来，越来越多的企业主动选择电子保函"
        "，这让我明白，改革的阻力常常来自对新事物的陌生。"
    ),
    "企业开办": (
        "一位大学毕业生回乡创业，上午来窗口咨询，下午就拿到了营业执照和公章，他说没想到在"
        "家乡办企业这么顺利。看到他的笑容，我觉得再多的加班都值得。企业开办是市场主体的第"
        "一道门，这道门开得越顺，创业的热情就越高。"
    ),
    "互联网+政务服务": (
        "我们在调研中发现，不少中老年群众对手机办事既好奇又担心，怕点错、怕泄露信息。推进"
        "互联网加政务服务，不能只顾上线事项的数量，还要做好适老化改造和使用指导，让数字红"
        "利惠及每一个人。"
    ),
    "综合窗口改革": (
        "刚到综合窗口时，面对几十个部门、上百个事项，我也曾打过退堂鼓。后来我把每天遇到的"
        "疑难业务记在本子上，下班后对照政策逐条研究，不懂就请教原部门的老同志。半年下来，"
        "本子记满了三本，自己也从新手成长为业务骨干。"
    ),
    "数据共享": (
        "数据共享说起来容易，做起来难，难就难在各部门都有自己的系统和顾虑。我认为，要以群"
        "众办事的高频事项为突破口，先易后难，逐项打通，每打通一项就向社会公布一项，用看得"
        "见的成效倒逼数据壁垒加快消除。"
    ),
    "投资项目审批": (
        "项目审批往往涉及规划、国土、住建、环保等多个部门，任何一个环节卡壳都会拖慢整体进"
        "度。我们尝试建立项目审批会商机制，每周梳理在办项目，遇到问题当场协调，这种把问题"
        "摆在桌面上的做法，大大提高了审批效率。"
    ),
}

# Each author's own words for the common ones (a 口头禅 of sorts): one choice per essay. Fixed
# phrases the choices would break are listed as themselves, longest first.
VOICE = {
    "解放思想": ["解放思想"],
    "改革开放": ["改革开放"],
    "企业开办": ["企业开办"],
    "综合窗口": ["综合窗口"],
    "领导干部": ["领导干部"],
    "党员干部": ["党员干部"],
    "高质量发展": ["高质量发展"],
    "工作人员": ["工作人员"],
    "我市": ["我市"],
    "时不我待": ["时不我待"],
    "工作日": ["工作日"],
    "办企业": ["办企业"],
    "自我": ["自我"],
    "一线工作": ["一线工作"],
    "工作者": ["工作者"],
    "思想解放": ["思想解放"],
    "保证金改革": ["保证金改革"],
    "实际行动": ["实际行动"],
    "要求": ["要求"],
    "重要": ["重要"],
    "需要": ["需要"],
    "主要": ["主要"],
    "只要": ["只要"],
    "不要": ["不要"],
    "思想": ["思想", "思维"],
    "改革": ["改革", "变革"],
    "问题": ["问题", "难题"],
    "发展": ["发展", "进步"],
    "工作": ["工作", "业务"],
    "学习": ["学习", "研习"],
    "必须": ["必须", "务必"],
    "我": ["我", "笔者", "本人"],
    "要": ["要", "应"],
    "和": ["和", "与"],
    "群众": ["群众", "老百姓", "办事群众", "市民"],
    "企业": ["企业", "市场主体"],
    "我们": ["我们", "咱们"],
    "推动": ["推动", "推进", "助推", "促进"],
    "政务服务": ["政务服务", "政务工作", "行政服务"],
    "干部": ["干部", "工作人员"],
    "窗口": ["窗口", "柜台"],
    "真正": ["真正", "切实", "确实"],
    "已经": ["已经", "业已"],
    "提升": ["提升", "提高", "增强"],
    "创新": ["创新", "革新", "开拓"],
    "加强": ["加强", "强化"],
    "建立": ["建立", "构建"],
    "完善": ["完善", "健全"],
    "部门": ["部门", "单位"],
    "流程": ["流程", "程序"],
    "材料": ["材料", "资料"],
    "环节": ["环节", "步骤"],
    "机制": ["机制", "制度"],
    "效率": ["效率", "效能"],
    "意识": ["意识", "观念"],
    "成果": ["成果", "成效"],
    "深刻": ["深刻", "深切"],
    "认真": ["认真", "用心"],
    "积极": ["积极", "主动"],
    "解决": ["解决", "化解"],
}
_VOICED = re.compile("|".join(sorted(map(re.escape, VOICE), key=len, reverse=True)))
# Each essay uses this share of each section's sentences, in its own order.
SENTENCE_SHARE = 0.5

OPENINGS = [
    "[按照|根据]办党组[关于开展|开展]解放思想大讨论活动的[统一部署|安排部署]，[我|笔者]结合{subject}工作[认真学习|深入学习][了|]相关[文件|精神]，[深受启发|感触颇深]。",
    "[近段时间|这段时间]以来，[通过|经过][集中学习|个人自学]和[专题辅导|交流研讨]，我对{subject}[有了新的认识|有了更深的体会]。",
    "[作为|身为]一名[政务服务|窗口]工作者，[我|自己][每天|天天]都在{subject}的一线[工作|忙碌]。",
    "[“解放思想、奋勇争先”|解放思想大讨论][活动|主题征文][开展以来|启动以来]，[我|笔者][结合|对照]{subject}[工作|实践][进行了|做了][认真|深入]的[思考|反思]。",
    "[什么是|何为]解放思想？[对|于][我|一名基层工作者][来说|而言]，[答案|它][就在|就藏在]{subject}的[日常|点滴]之中。",
    "[参加|经过][“便民方舟大家谈”|专题辅导][以后|之后]，[我|笔者][一直在|反复][思考|琢磨]：{subject}[还能|能否][做得更好|更进一步]？",
]
# Each section's heading, one of three.
HEADINGS = [
    [
        "一、[提高站位|统一思想]，[深刻理解|准确把握]解放思想的[时代内涵|重大意义]",
        "一、[思想是|观念是][行动的先导|发展的先导]",
        "一、[为什么|何以][要|须]解放思想",
    ],
    [
        "二、[对照|查摆][问题|差距]，[正视|找准]{subject}[工作|领域]的短板",
        "二、{subject}[中的|里的][思想|观念][障碍|束缚]",
        "二、[差距|不足][在哪里|在何处]",
    ],
    [
        "三、[立足岗位|真抓实干]，[推动|促进]{subject}[提质增效|再上台阶]",
        "三、[以|用]解放思想[引领|带动]{subject}[新突破|再提升]",
        "三、[怎么办|如何做]：[我的|几点][思考|建议]",
    ],
]
SECTIONS = [
    [
        "[解放思想|思想解放][是|乃][推动发展的|事业发展的]“总开关”，[思想不破|观念不新]，[行动|工作][就难以|便很难][突破|创新]。",
        "[回顾|回望]改革开放[四十年|40年]的[历程|历史]，[每一次|每回]重大[突破|进展][都|无不][始于|源于]思想观念的[更新|转变]。",
        "[新时代|新形势下]，[群众|企业]对{subject}的[期待|要求][更高|更多]，[我们|大家]必须[跳出|走出][舒适区|老框框]。",
        "[我|笔者][逐渐|慢慢][认识到|体会到]，[解放思想|转变观念][不是|并非][空洞的|一句]口号，[而是|更是][实实在在的|具体的]行动。",
        "[在|从]{subject}[这件事|这项工作]上，[最能|最容易][检验|看出][干部|我们]的[思想|观念][是否|有没有][真正|切实]解放。",
        "[高质量发展|六个高质量发展][对|给]政务服务[提出|带来]了[新课题|新挑战]，[也|同时][带来了|提供了][新机遇|新空间]。",
        "[只有|唯有][以|用][改革的办法|创新的思路][解决|破解][前进中的|发展中的]问题，[才能|方可][赢得|掌握][主动|先机]。",
        "[大讨论|这次大讨论][让我|使我][认清|看清]了[自身|自己]在[思想|观念]上[存在的|残留的][惯性|惰性]。",
        "[党的十九大|十九大报告][作出|提出]了[中国特色社会主义进入新时代|社会主要矛盾已经转化]的重大[判断|论断]，[这|此][要求|需要][我们|政务服务][与时俱进|因势而变]。",
        "[省委|市委][部署|开展]的[这场|此次]大讨论，[目的|用意][就在于|正在于][破除|打破][一切|种种][束缚|制约]发展的[思想障碍|观念藩篱]。",
        "[思想|观念]上的[“天花板”|“玻璃门”][不打破|不破除]，{subject}[就只能|便只能][原地踏步|小修小补]。",
        "[解放思想|更新观念][必须|需要][与|同][实事求是|求真务实][统一起来|结合起来]，[既要|不仅要][敢想|敢闯]，[又要|还要][会干|善干]。",
        "[历史|实践][反复|一再][证明|表明]，[什么时候思想先行一步，什么时候发展就快人一拍|哪里观念领先一步，哪里的发展就走在前列]。",
        "[宿迁|我市][作为|身为][后发地区|欠发达地区]，[更需要|更要][以|靠][思想的破冰|观念的突破][引领|带动][发展的突围|赶超跨越]。",
        "[学习|研读][省委十三届三次全会|市委五届五次全会]精神，[我|笔者][感到|觉得][责任重大|使命在肩]，[时不我待|不敢懈怠]。",
        "[解放思想|思想解放][不能|不可][停留在|满足于][纸面上|会议上]，[要|必须][落到|体现在][每一件|一桩桩][具体工作|具体事务]中。",
    ],
    [
        "[对照|对标][先进地区|兄弟城市]，{subject}[在|于][流程|环节]上[仍然|依然][偏多|繁琐]，[群众|企业][感受|获得感][还不够|尚不]明显。",
        "[有的|个别][同志|干部][满足于|习惯于][按部就班|照章办事]，[遇到|碰到]新情况[不愿|不敢][担当|作为]。",
        "[部门之间|各窗口间][信息|数据][共享|互通][还不够|仍不]充分，[群众|办事人][重复|多次][提交|提供]材料的[现象|情况][时有发生|仍然存在]。",
        "[在|就]{subject}[来说|而言]，[制度|规则][更新|调整][跟不上|赶不上][实践|改革]的[步伐|节奏]。",
        "[一些|少数][同志|人员][对|把]新政策[学习|研究]得[不深|不透]，[解释|答复]群众[疑问|咨询]时[底气不足|语焉不详]。",
        "[服务意识|主动服务][还有|尚有][差距|欠缺]，“[门好进|脸好看]”[做到了|做到]，“[事好办|事难办]”[还需|仍需][下功夫|再用力]。",
        "[考核|评价][机制|办法][不够|尚欠][科学|完善]，[干多干少|干好干坏][一个样|差别不大]的[问题|现象][依然存在|未根本解决]。",
        "[我|自己][也|同样][存在|有][本领恐慌|能力不足]，[面对|应对]{subject}中的新问题[办法|招数][不多|有限]。",
        "[窗口|一线][反映|收集]的[意见建议|群众诉求][梳理|分析][得不够|还不]及时，[回应|反馈][速度|效率][有待|仍需][提高|提升]。",
        "[部分|有些][事项|业务][网上|线上][能办|可办]，[却|但][还要|仍需][到现场|跑窗口][核验|签字]，[“最后一公里”|“最后一步”][没有|尚未][打通|走通]。",
        "[新技术|大数据]的[运用|应用][还不|仍不][充分|到位]，[智能化|便利化][水平|程度][不高|偏低]。",
        "[面对|对于][群众|企业]的[个性化|特殊][需求|诉求]，[有时|往往][以|拿]“[没有先例|按规定办]”[推脱|搪塞]。",
        "[有的|少数][同志|工作人员][把|将][“严格把关”|“按章办事”][当作|视为][不作为的|推诿的][挡箭牌|借口]，[群众|企业][对此|对这种现象][意见|怨言][较大|不少]。",
        "[办事指南|一次性告知单][表述|写得][不够|不甚][通俗|清楚]，[群众|申请人][看了|读了][还是|仍然][不明白|一头雾水]。",
        "[跨部门|跨层级][事项|业务]的[协调|衔接][办法|安排][不健全|尚不健全]，[遇到|碰到][交叉|边界][事项|情形][容易|常常][互相推诿|相互扯皮]。",
        "[我|自己][有时|偶尔][也会|也曾][因为|由于][工作量大|事情繁杂][而|就][急躁|不耐烦]，[影响|损害]了[服务质量|群众感受]。",
    ],
    [
        "[一是|首先][要|须][再造|优化]{subject}[流程|环节]，[能减的|可并的][坚决|一律][减掉|合并]，[能并联的|可同步的][绝不|决不][串联|排队]。",
        "[二是|其次][要|须][打通|贯通][数据|信息][壁垒|孤岛]，[让|使][数据多跑路|信息多流转]、[群众|企业]少跑腿。",
        "[三是|再次][要|须][建立|完善][容错|激励][机制|办法]，[为|给][敢闯敢试|担当作为]的[干部|同志][撑腰|鼓劲]。",
        "[四是|此外][要|须][加强|强化][业务|技能][培训|学习]，[争当|做好]{subject}的[行家里手|明白人]。",
        "[我将|今后我将][从|由][自身|自己][做起|抓起]，[带着|围绕][问题|短板][学|干]，[在|于]{subject}[中|里][当好|做好][排头兵|先行者]。",
        "[要|须]以[群众满意度|企业获得感][为|作为][标尺|尺子]，[检验|衡量][解放思想|大讨论][的|之][成效|成果]。",
        "[每|每一]项[改革|举措][都要|均须][有|定][时间表|路线图]，[确保|保证][件件|事事][有着落|有回音]。",
        "[我们|大家][要把|须把][大讨论|学习讨论]的[成果|收获][转化为|变成][推动|促进]{subject}的[实际行动|具体举措]。",
        "[要|应][推行|落实][“一窗受理、集成服务”|“一件事一次办”]，[把|将][分散|多头]的[窗口|环节][整合|归并][起来|为一]。",
        "[要|应][主动|积极][对接|走访][企业|项目]，[由|从]“[坐等服务|等客上门]”[变为|转为]“[上门服务|靠前服务]”。",
        "[要|应][建立|健全][问题|意见][收集|办理][台账|清单]，[实行|做到][销号|闭环][管理|办理]。",
        "[要|应][学习|借鉴][先进地区|兄弟城市]的[好经验|好做法]，[结合|立足]宿迁实际[消化吸收|再创新]。",
        "[要|应][推行|实行][首问负责|限时办结][制度|要求]，[让|使][每一位|每个][来办事的|前来办事的][群众|企业][都有人管|都能找到人]。",
        "[要|应][定期|经常][开展|组织][“换位体验”|“我陪群众走流程”][活动|行动]，[从|站在][群众|办事人]的[角度|视角][查找|发现][堵点|痛点]。",
        "[要|应][把|将][群众评价|“好差评”][结果|数据][作为|当作][考核|评优]的[重要|主要][依据|参考]，[让|使][干好干坏|优劣][不一样|有区别]。",
        "[我|笔者][计划|打算][从|在][本职岗位|自身岗位][做起|入手]，[每月|每季度][提出|梳理][一条|一项][改进|优化][建议|措施]。",
    ],
]
CLOSINGS = [
    "[解放思想|思想解放][永远在路上|没有止境]。[我|我们]将[以|用][更加|更为][饱满|昂扬]的[热情|斗志]，[为|向][谱写|书写]宿迁政务服务高质量发展[新篇章|新画卷][贡献|奉献][力量|智慧]。",
    "[奋勇争先|争先创优][正当其时|恰逢其时]，[让我们|我们要][在|于]{subject}的[岗位上|征程上][再立新功|建功立业]。",
    "[路虽远|道阻且长]，[行则将至|行而不辍]。[只要|唯有][我们|大家][坚持|始终][解放思想|与时俱进]，{subject}[就一定能|必将][迈上新台阶|取得新突破]。",
    "[思想之变|观念之新][是|乃][最深刻的|最根本的][变革|改变]。[我|笔者][愿|将][以此|以此次征文][为|作为][新起点|新开端]，[在|于]{subject}[中|里][交出|书写][满意的答卷|新的答卷]。",
]
_ALTERNATIVES = re.compile(r"\[([^\[\]]*)\]")

# Whole passages of the plan: the entry that copies them is flagged where the plan is in the
# library.
PLAN_PASSAGES = (2, 3, 4)


def _spin(rng: random.Random, template: str, subject: str) -> str:
    text = _ALTERNATIVES.sub(lambda match: rng.choice(match.group(1).split("|")), template)
    return text.replace("{subject}", subject)


def essay(rng: random.Random, subject: str, facts: str, *, at_least: int = MIN_CHARS + 50) -> str:
    """An essay of at least `at_least` 字 on `subject`: an opening, three sections (with the
    author's own experience and story), a close, in the author's own words."""
    story = STORIES.get(subject, "")
    while True:
        paragraphs = [_spin(rng, rng.choice(OPENINGS), subject)]
        for index, (heading, pool) in enumerate(zip(HEADINGS, SECTIONS, strict=True)):
            paragraphs.append(_spin(rng, rng.choice(heading), subject))
            sentences = rng.sample(pool, round(len(pool) * SENTENCE_SHARE))
            half = len(sentences) // 2
            paragraphs.append("".join(_spin(rng, s, subject) for s in sentences[:half]))
            paragraphs.append({1: facts, 2: story}.get(index, ""))
            paragraphs.append("".join(_spin(rng, s, subject) for s in sentences[half:]))
        paragraphs.append(_spin(rng, rng.choice(CLOSINGS), subject))
        words = {word: rng.choice(choices) for word, choices in VOICE.items()}
        text = _VOICED.sub(
            lambda match, words=words: words[match.group(0)], "\n".join(p for p in paragraphs if p)
        )
        # Each wording differs in length: a draw too short is drawn again.
        if word_count(text) >= at_least:
            return text


def _plan_copy(rng: random.Random) -> str:
    plan = resources.files("huodong.campaigns").joinpath("seeds", "plan-2018-9.txt")
    lines = [line for line in plan.read_text("utf-8").splitlines() if len(line) > 80]
    copied = "\n".join(lines[index] for index in PLAN_PASSAGES if index < len(lines))
    return (
        _spin(rng, OPENINGS[0], "大讨论") + "\n" + copied + "\n" + _spin(rng, CLOSINGS[0], "大讨论")
    )


def _at(day: str, time: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(f"{day}T{time}"))


def _user(office_id: int, username: str) -> User | None:
    return User.objects.filter(username=username, person__office_id=office_id).first()


def _authors(office_id: int, judges: list[Person], count: int) -> list[Person]:
    """The window staff member with a login, then staff of every unit in turn."""
    judge_ids = {judge.pk for judge in judges}
    managers = set(
        Person.objects.filter(
            office_id=office_id,
            roles__role__in=[Role.ADMIN, Role.OFFICE_DIRECTOR, Role.OFFICE_STAFF, Role.LEADER],
        ).values_list("pk", flat=True)
    )
    people = [
        person
        for person in Person.objects.filter(office_id=office_id)
        .select_related("unit", "user")
        .order_by("unit__sort_order", "pk")
        if person.pk not in judge_ids and person.pk not in managers
    ]
    showcase = [p for p in people if p.user is not None and p.user.username == SHOWCASE_LOGIN]
    by_unit: dict[int, list[Person]] = {}
    for person in people:
        if person not in showcase:
            by_unit.setdefault(person.unit_id, []).append(person)
    chosen = list(showcase)
    while len(chosen) < count and any(by_unit.values()):
        for members in by_unit.values():
            if members and len(chosen) < count:
                chosen.append(members.pop(1 if len(members) > 1 else 0))
    return chosen


def _write_entry(
    contest: Contest, author: Person, number: int, title: str, body: str, when: dt.datetime
) -> Entry:
    entry = Entry.objects.create(
        contest=contest,
        number=number,
        title=title,
        body=body,
        word_count=word_count(body),
        author=author,
        author_name=author.name,
        author_organisation=author.unit.name,
        status=EntryStatus.SUBMITTED,
        submitted_at=when,
        created_at=when,
        updated_at=when,
    )
    entry.contest = contest
    document_sync_contest_entry(entry=entry)
    return entry


def _sheet(
    rng: random.Random, rubric: list[Criterion], quality: float, bias: float
) -> dict[int, str]:
    """A judge's marks: the entry's quality, the judge's leniency, and a little noise."""
    scores = {}
    for criterion in rubric:
        share = min(0.99, max(0.4, quality + bias + rng.uniform(-0.05, 0.05)))
        scores[criterion.pk] = str(Decimal(criterion.max_score * share).quantize(Decimal("0.1")))
    return scores


@transaction.atomic
def build_contests_demo(campaign: Campaign) -> Contest | None:
    """The plan's 主题征文, judged and published. None where the demo office lacks its people."""
    office = campaign.office
    director = User.objects.filter(
        person__office=office, person__roles__role=Role.OFFICE_DIRECTOR
    ).first()
    judges = [user for login in JUDGE_LOGINS if (user := _user(office.pk, login)) is not None]
    if director is None or len(judges) < len(JUDGE_LOGINS):
        return None
    judge_people = [Person.objects.get(user=user) for user in judges]
    rng = random.Random(SEED)

    with frozen_at(_at("2018-05-18", "09:30")):
        contest = services.contest_create(
            actor=director,
            office=office,
            campaign=campaign,
            title=TITLE,
            theme=THEME,
            rules=RULES,
            opens_on=OPENS,
            closes_on=CLOSES,
            min_chars=MIN_CHARS,
            max_chars=MAX_CHARS,
            allows_public=True,
            judges_per_entry=len(judges),
        )
        for name, description, maximum in RUBRIC:
            services.criterion_add(
                actor=director,
                contest=contest,
                name=name,
                description=description,
                max_score=maximum,
            )
        for person in judge_people:
            services.judge_add(actor=director, contest=contest, person=person)
        for rank, (name, places) in enumerate(AWARDS, start=1):
            services.award_add(actor=director, contest=contest, name=name, places=places, rank=rank)
        contest = services.contest_open(actor=director, contest=contest)

    authors = _authors(office.pk, judge_people, ENTRIES + 1)
    entries: list[Entry] = []
    for number, (author, (title, subject, facts)) in enumerate(
        zip(authors[:ENTRIES], SUBJECTS, strict=False), start=1
    ):
        day = OPENS + dt.timedelta(days=(number * 3) % (CLOSES - OPENS).days)
        when = _at(day.isoformat(), f"{9 + number % 8:02d}:{(number * 7) % 60:02d}")
        entries.append(
            _write_entry(contest, author, number, title, essay(rng, subject, facts), when)
        )
    copier = None
    if len(authors) > ENTRIES:
        copier = _write_entry(
            contest,
            authors[ENTRIES],
            ENTRIES + 1,
            "解放思想大讨论活动的认识与思考",
            _plan_copy(rng),
            _at(CLOSES.isoformat(), "17:20"),
        )
    # The check the worker would run after commit, run now so the demo shows the ratios.
    checked = [*entries, copier] if copier is not None else entries
    documents_check(document_ids=[entry.originality_document.pk for entry in checked])

    if copier is not None:
        flagged = OriginalityReport.objects.filter(
            document__contest_entry=copier, flagged=True
        ).exists()
        if flagged:
            with frozen_at(_at("2018-06-09", "10:00")):
                services.entry_disqualify(
                    actor=director,
                    entry=copier,
                    reason=(
                        "查重检测显示大段照抄《关于开展解放思想大讨论活动的方案》原文，"
                        "不符合原创要求。"
                    ),
                )

    with frozen_at(_at("2018-06-09", "11:00")):
        contest = services.contest_start_judging(actor=director, contest=contest)
    rubric = list(contest.criteria.order_by("sort_order", "pk"))
    qualities = rng.sample([0.62 + 0.025 * step for step in range(14)], len(entries))
    biases = [0.0, -0.03, 0.025]
    for day, (judge, bias) in enumerate(zip(judges, biases, strict=False), start=11):
        with frozen_at(_at(f"2018-06-{day:02d}", "15:00")):
            for entry, quality in zip(entries, qualities, strict=True):
                services.score_sheet_save(
                    actor=judge,
                    entry=entry,
                    scores=_sheet(rng, rubric, quality, bias),
                    comment=rng.choice(COMMENTS) if quality > 0.8 else "",
                    complete=True,
                )
    with frozen_at(_at("2018-06-15", "16:00")):
        services.contest_decide(actor=director, contest=contest)
    with frozen_at(_at("2018-06-18", "10:00")):
        contest = services.contest_publish_results(actor=director, contest=contest)
    return contest


COMMENTS = [
    "立意高远，联系实际紧密，对策具体可行。",
    "问题查找准确，文字流畅，建议推荐刊发。",
    "观点鲜明，有真情实感，结构完整。",
]
