"""Stop words: function words dropped from the stemmed field only.

Phrases are matched on the unstemmed field, which keeps every word, so
``"في البيت"`` still matches exactly. The Arabic list is written in ordinary
spelling and normalized when loaded (unlike Lucene's, whose list escapes
normalization: ``فَي`` and ``علي`` survive its StopFilter).
"""

from __future__ import annotations

ARABIC = """
في من على إلى الى عن مع ثم أو او أم بل لا لم لن ما ماذا متى أين كيف هل إن ان أن
إذا اذا إذ قد لقد كان كانت يكون تكون كانوا هو هي هم هن هما أنا انا نحن أنت انت أنتم
هذا هذه ذلك تلك هؤلاء أولئك الذي التي الذين اللذين اللتين اللواتي اللاتي
كل بعض غير سوى حتى لدى لكن لكي كي عند عندما منذ بين بعد قبل خلال حول ضد دون
فيه فيها فيهم منه منها منهم عليه عليها عليهم اليه إليه اليها إليها به بها بهم له لها لهم
وفي ومن وعلى وإلى وعن ومع وهو وهي وهذا وهذه وقد وكان وكانت ولا ولم وما وأن وان وإن
كما أي اي أيضا ايضا فقط حيث إلا الا أما اما إما اما لو لولا ليس ليست
""".split()

ENGLISH = """
a an and are as at be but by for if in into is it no not of on or such that the
their then there these they this to was will with
""".split()
