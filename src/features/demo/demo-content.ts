// Demo articles for a fresh install: a fictional harbour-town newsroom, so that the first look
// at Broadsheet shows ratings, threaded comments and the moderation queue at work.
// Every place, person and event here is invented.
import type { ReviewedThing } from '../articles/article.model.ts';

export interface DemoComment {
  /** Identifies the comment within its article, for replies. */
  ref: string;
  replyTo?: string;
  authorName: string;
  authorEmail: string;
  authorUrl?: string;
  body: string;
  minutesAfter: number;
  status?: 'approved' | 'pending';
}

export interface DemoArticle {
  title: string;
  standfirst: string;
  authorName: string;
  section: string;
  tags: string[];
  /** What the article reviews, when it is one (its structured data then carries the readers' rating). */
  review?: ReviewedThing;
  hoursAgo: number;
  bodyMarkdown: string;
  ratings: number[];
  comments: DemoComment[];
}

export const DEMO_ARTICLES: DemoArticle[] = [
  {
    title: 'Harbour wall repairs to start in March after council vote',
    standfirst:
      'The £2.4m project will close part of Quay Street for eleven weeks, but councillors say the storm ' +
      'damage cannot wait another winter.',
    authorName: 'Maren Tully',
    section: 'Local',
    tags: ['harbour', 'council', 'transport'],
    hoursAgo: 5,
    bodyMarkdown: [
      'Repairs to Wrenhaven’s storm-damaged harbour wall will begin on 3 March, after the town council voted ' +
        'eight to three on Tuesday night to release the money from its reserves.',
      'The wall’s eastern section was undermined during the January gales, when waves lifted several of the ' +
        'capstones and opened a crack that engineers say has widened by four centimetres since. A temporary ' +
        'barrier of sandbags and steel plates has held since then, but the council’s own surveyors warned that ' +
        'it would not survive another season of spring tides.',
      '“We have patched this wall for thirty years and the bill has only ever gone up,” said Councillor Ruth ' +
        'Okafor, who chairs the harbour committee. “This time we fix it properly, once.”',
      '## What changes for residents',
      'The contractor, Strand & Pyle of Kellerby, has published a timetable that the council will post on ' +
        'the harbour office noticeboard. The main points:',
      '- Quay Street will be closed to traffic between the lifeboat station and the fish market from 3 March ' +
        'to mid-May.\n- The Saturday market moves to the car park on Chapel Hill for the duration.\n' +
        '- The lifeboat crew keeps a permanent access lane, and the ferry runs to its usual timetable.',
      'The three councillors who voted against said they supported the repairs but wanted the town to wait ' +
        'for a decision on a regional coastal defence grant, which could have covered up to half of the cost. ' +
        'The grant panel is not due to meet until October.',
    ].join('\n\n'),
    ratings: [80, 60, 80, 100, 40, 80, 60],
    comments: [
      {
        ref: 'c1',
        authorName: 'Jess Pemberton',
        authorEmail: 'jess.pemberton@example.org',
        body: 'About time. My kitchen window faces that wall and you can *see* the crack from across the street.',
        minutesAfter: 42,
      },
      {
        ref: 'c2',
        replyTo: 'c1',
        authorName: 'Alan Roke',
        authorEmail: 'alan.roke@example.com',
        body:
          'Agreed, though I do wonder whether waiting for the grant would have been the sensible thing. Half ' +
          'of £2.4m is a lot of money for a town this size.',
        minutesAfter: 67,
      },
      {
        ref: 'c3',
        replyTo: 'c1',
        authorName: 'Carys Dancey',
        authorEmail: 'carys.dancey@example.org',
        body:
          'The surveyors’ report is worth a read if you have ten minutes: [it’s on the council ' +
          'site](https://example.org/council/harbour-wall-survey). It doesn’t sound like the wall would last ' +
          'until October.',
        minutesAfter: 95,
      },
      {
        ref: 'c4',
        authorName: 'Graham Felt',
        authorEmail: 'gfelt@example.com',
        authorUrl: 'https://example.com/graham',
        body:
          'Spare a thought for the stallholders. Chapel Hill is **much** quieter than the quay on a Saturday. ' +
          'Could the council at least put up signs from the ferry terminal?',
        minutesAfter: 130,
      },
      {
        ref: 'c5',
        authorName: 'Nadia Wren',
        authorEmail: 'nadia.wren@example.org',
        body:
          'Does anyone know whether the slipway by the lifeboat station stays open for small boats during the ' +
          'works?',
        minutesAfter: 210,
        status: 'pending',
      },
    ],
  },
  {
    title: 'Review: The Net Loft serves the best fish supper on the quay',
    standfirst:
      'A former sail store above the chandlery has become the most relaxed dining room in town. Book a ' +
      'window table and order the hake.',
    authorName: 'Owen Askew',
    section: 'Culture',
    tags: ['food', 'review'],
    review: { type: 'LocalBusiness', name: 'The Net Loft' },
    hoursAgo: 26,
    bodyMarkdown: [
      'You climb a steep wooden staircase past coils of rope and tins of varnish to reach The Net Loft, and ' +
        'the smell of the chandlery below follows you most of the way up. Then the door opens onto a long, ' +
        'whitewashed room with a beamed roof, mismatched chairs and four windows that frame the harbour like a ' +
        'row of postcards.',
      'Chef-owner Della Marsh, who spent a decade cooking in city kitchens before coming home to Wrenhaven ' +
        'last spring, keeps the menu short: five starters, five mains, three puddings, all chalked on a board ' +
        'that changes with the morning’s catch.',
      'The crab on toast is generous and sharp with lemon and brown butter. The hake, roasted on the bone ' +
        'and served with charred leeks and a mussel broth, was the best plate of fish I have eaten in this ' +
        'town. Only the chips disappointed, a little pale on a busy Friday night.',
      '> The fish comes up those stairs about two hours after it comes off the boats. That’s the whole idea. ' +
        '— Della Marsh',
      'Service is warm and unhurried, the wine list fits on a postcard and leans towards good-value whites, ' +
        'and two courses with a glass of wine came to £34 a head. There is no lift, which rules the place out ' +
        'for some diners; Marsh says she is talking to the landlord about it.',
      '**The Net Loft**, 2 Chandlers’ Row. Open Wednesday to Sunday, evenings only. Booking recommended at weekends.',
    ].join('\n\n'),
    ratings: [100, 80, 80, 100, 60, 80, 100, 80, 40, 100],
    comments: [
      {
        ref: 'c1',
        authorName: 'Sam Oduya',
        authorEmail: 'sam.oduya@example.com',
        body:
          'Went on Saturday on the strength of this. The hake is every bit as good as you say. *Do* save room ' +
          'for the burnt cream.',
        minutesAfter: 180,
      },
      {
        ref: 'c2',
        authorName: 'Lorna Keyes',
        authorEmail: 'lorna.keyes@example.org',
        body:
          'Lovely food, but I agree about the stairs. My dad couldn’t manage them, so we ended up at the café ' +
          'downstairs instead. Hope the lift happens.',
        minutesAfter: 305,
      },
      {
        ref: 'c3',
        replyTo: 'c2',
        authorName: 'Della Marsh',
        authorEmail: 'della.marsh@example.com',
        authorUrl: 'https://example.com/netloft',
        body:
          'Thank you, Lorna, and sorry about your dad. Until the lift is sorted we’re happy to serve the full ' +
          'menu at the two tables on the ground floor. Just mention it when you book.',
        minutesAfter: 342,
      },
      {
        ref: 'c4',
        authorName: 'Peter Quill',
        authorEmail: 'pquill@example.org',
        body: 'Slightly underwhelmed by the chips too, but the crab toast alone is worth the climb.',
        minutesAfter: 1260,
      },
    ],
  },
  {
    title: 'Pupils’ survey finds seagrass meadow spreading in Wrenhaven Sound',
    standfirst:
      'Three years of snorkel surveys by a local secondary school show the meadow has grown by almost a ' +
      'fifth, a rare piece of good news for the estuary.',
    authorName: 'Priya Hallam',
    section: 'Science',
    tags: ['environment', 'schools', 'estuary'],
    hoursAgo: 50,
    bodyMarkdown: [
      'A seagrass meadow off Gull Point has grown by almost a fifth since 2022, according to a survey ' +
        'carried out by pupils at Wrenhaven Community School and checked by marine scientists at the Kellerby ' +
        'field station.',
      'Every summer since the project began, groups of sixth-formers have snorkelled a grid of 120 marked ' +
        'squares at low tide, photographing the seabed and counting shoots. Their latest figures put the ' +
        'meadow at 4.1 hectares, up from 3.5 hectares in the first year.',
      'Seagrass stores carbon, shelters young fish and steadies the seabed against storms, but meadows ' +
        'around the coast have shrunk for decades under pollution, dredging and anchor damage. The Gull Point ' +
        'meadow began to recover after the harbour authority installed eco-moorings in 2021, which hold boats ' +
        'without dragging chains across the seabed.',
      '> The pupils’ data is as careful as anything we collect ourselves. What it shows is simple: when you ' +
        'stop tearing the meadow up, it comes back. — Dr Ilse Navarro, Kellerby field station',
      'The school now plans to share its photographs and counts as an open data set, and has asked the ' +
        'harbour authority to extend the eco-moorings to the northern side of the Sound, where the meadow is ' +
        'still patchy.',
    ].join('\n\n'),
    ratings: [80, 100, 80, 60, 100],
    comments: [
      {
        ref: 'c1',
        authorName: 'Hannah Brill',
        authorEmail: 'hannah.brill@example.org',
        body:
          'My daughter was on the survey team last summer. She came home blue with cold every day and *loved* ' +
          'it. Well done to the teachers who keep this going.',
        minutesAfter: 55,
      },
      {
        ref: 'c2',
        authorName: 'Martin Voss',
        authorEmail: 'mvoss@example.com',
        body:
          'Good to see the moorings working. For anyone curious how they differ from ordinary chains, there’s ' +
          'a clear explainer [here](https://example.com/eco-moorings-explained).',
        minutesAfter: 140,
      },
      {
        ref: 'c3',
        replyTo: 'c2',
        authorName: 'Ellie Tran',
        authorEmail: 'ellie.tran@example.org',
        body: 'Thanks for the link. I had no idea one chain could scour a circle that big.',
        minutesAfter: 188,
      },
    ],
  },
  {
    title: 'Wrenhaven Rowing Club win the Estuary Cup for the first time in 22 years',
    standfirst:
      'The women’s coastal four came from two lengths down at the final buoy to beat the holders, Kellerby, ' +
      'by less than a second.',
    authorName: 'Tom Brennagh',
    section: 'Sport',
    tags: ['rowing', 'estuary'],
    hoursAgo: 74,
    bodyMarkdown: [
      'Wrenhaven Rowing Club brought the Estuary Cup home on Sunday for the first time since 2003, after ' +
        'their women’s coastal four overturned a two-length deficit in the last 500 metres of a rough, ' +
        'wind-blown final.',
      'Kellerby, who had won the cup five years running, led from the start and still held a clear advantage ' +
        'as the crews turned at the Gull Point buoy. But Wrenhaven, stroked by 19-year-old Freya Lund, took ' +
        'the tighter line out of the turn and closed steadily as the tide began to run in their favour.',
      'The crews crossed the line almost together, and the judges took several minutes over the photographs ' +
        'before giving the race to Wrenhaven by 0.8 seconds.',
      '“We practised that turn more times than I can count,” said coach Dan Ellery, who rowed in the club’s ' +
        'last winning crew. “They kept their heads when it mattered.”',
      'The cup will be on display in the clubhouse on Harbour Road this weekend, and the club says it will ' +
        'hold open sessions for new rowers throughout April.',
    ].join('\n\n'),
    ratings: [100, 80, 100, 100],
    comments: [
      {
        ref: 'c1',
        authorName: 'Kate Lund',
        authorEmail: 'kate.lund@example.com',
        body: 'So proud of Freya and the whole crew. I could hardly watch that last stretch!',
        minutesAfter: 35,
      },
      {
        ref: 'c2',
        replyTo: 'c1',
        authorName: 'Dan Ellery',
        authorEmail: 'dan.ellery@example.org',
        authorUrl: 'https://example.org/wrenhaven-rowing',
        body:
          'Neither could I, Kate. Details of the April taster sessions are on [the club ' +
          'website](https://example.org/wrenhaven-rowing/join) for anyone inspired to try.',
        minutesAfter: 90,
      },
      {
        ref: 'c3',
        authorName: 'Bryn Coles',
        authorEmail: 'bryn.coles@example.org',
        body: 'Great race, and fair play to Kellerby, who were gracious about it. Roll on the rematch next year.',
        minutesAfter: 240,
      },
    ],
  },
];
