NAME        
ROWS
 N  Obj     
 G  r0      
 G  r1      
 L  r2      
 L  r3      
 E  r4      
 E  r5      
 E  r6      
 E  r7      
 E  r8      
 E  r9      
 E  r10     
 E  r11     
 E  r12     
 E  r13     
 E  r14     
 E  r15     
 E  r16     
 L  r17     
 L  r18     
 L  r19     
 L  r20     
 L  r21     
 L  r22     
 L  r23     
 L  r24     
 L  r25     
 L  r26     
 L  r27     
 L  r28     
 L  r29     
 L  r30     
 L  r31     
 L  r32     
 L  r33     
 L  r34     
 L  r35     
 L  r36     
 L  r37     
 L  r38     
 L  r39     
 L  r40     
 L  r41     
 L  r42     
 L  r43     
 L  r44     
 L  r45     
 L  r46     
 L  r47     
 L  r48     
 L  r49     
 L  r50     
 L  r51     
 L  r52     
 L  r53     
 L  r54     
 L  r55     
 L  r56     
 L  r57     
 L  r58     
 L  r59     
 L  r60     
 L  r61     
 L  r62     
 L  r63     
 L  r64     
 L  r65     
 L  r66     
 L  r67     
 L  r68     
 L  r69     
 L  r70     
 L  r71     
 G  r72     
 G  r73     
 G  r74     
 G  r75     
 G  r76     
 G  r77     
 G  r78     
 G  r79     
 G  r80     
 G  r81     
 G  r82     
 G  r83     
 G  r84     
 G  r85     
 G  r86     
 G  r87     
 G  r88     
 G  r89     
 G  r90     
 G  r91     
 G  r92     
 G  r93     
 G  r94     
 G  r95     
 G  r96     
 G  r97     
 G  r98     
 G  r99     
 G  r100    
 G  r101    
 G  r102    
 G  r103    
 G  r104    
 G  r105    
 G  r106    
 G  r107    
 G  r108    
 G  r109    
 G  r110    
 G  r111    
 G  r112    
 G  r113    
 G  r114    
 G  r115    
 G  r116    
 G  r117    
 G  r118    
 G  r119    
 G  r120    
 G  r121    
 G  r122    
 G  r123    
 G  r124    
 G  r125    
 G  r126    
 E  r127    
 E  r128    
 E  r129    
 E  r130    
 E  r131    
 E  r132    
 E  r133    
 E  r134    
 E  r135    
 E  r136    
 E  r137    
 E  r138    
 E  r139    
 E  r140    
 E  r141    
 E  r142    
 E  r143    
 E  r144    
 E  r145    
 E  r146    
 E  r147    
 E  r148    
 E  r149    
 E  r150    
 E  r151    
 E  r152    
 E  r153    
 E  r154    
 E  r155    
 E  r156    
 E  r157    
 E  r158    
 G  r159    
 G  r160    
 L  r161    
 L  r162    
 L  r163    
 L  r164    
 L  r165    
 L  r166    
 L  r167    
 L  r168    
 L  r169    
 L  r170    
 L  r171    
 L  r172    
 L  r173    
 L  r174    
 L  r175    
 L  r176    
 L  r177    
 L  r178    
COLUMNS
    MARK0000  'MARKER'                 'INTORG'
    c0        r0        1
    c0        r127      1
    c0        r163      1
    c1        r0        1
    c1        r129      1
    c1        r164      1
    c2        r0        1
    c2        r131      1
    c2        r165      1
    c3        r0        1
    c3        r133      1
    c3        r166      1
    c4        r0        1
    c4        r135      1
    c4        r167      1
    c5        r0        1
    c5        r137      1
    c5        r168      1
    c6        r0        1
    c6        r139      1
    c6        r169      1
    c7        r0        1
    c7        r141      1
    c7        r170      1
    c8        r0        1
    c8        r143      1
    c8        r171      1
    c9        r0        1
    c9        r145      1
    c9        r172      1
    c10       r0        1
    c10       r147      1
    c10       r173      1
    c11       r0        1
    c11       r149      1
    c11       r174      1
    c12       r0        1
    c12       r151      1
    c12       r175      1
    c13       r0        1
    c13       r153      1
    c13       r176      1
    c14       r0        1
    c14       r155      1
    c14       r177      1
    c15       r0        1
    c15       r157      1
    c15       r178      1
    c16       r0        1
    c16       r1        -1
    c16       r2        1
    c16       r3        1
    c17       r1        1
    c17       r2        -1
    c17       r128      1
    c17       r163      1
    c18       r1        1
    c18       r2        -1
    c18       r130      1
    c18       r164      1
    c19       r1        1
    c19       r2        -1
    c19       r132      1
    c19       r165      1
    c20       r1        1
    c20       r2        -1
    c20       r134      1
    c20       r166      1
    c21       r1        1
    c21       r2        -1
    c21       r136      1
    c21       r167      1
    c22       r1        1
    c22       r2        -1
    c22       r138      1
    c22       r168      1
    c23       r1        1
    c23       r2        -1
    c23       r140      1
    c23       r169      1
    c24       r1        1
    c24       r2        -1
    c24       r142      1
    c24       r170      1
    c25       r1        1
    c25       r2        -1
    c25       r144      1
    c25       r171      1
    c26       r1        1
    c26       r2        -1
    c26       r146      1
    c26       r172      1
    c27       r1        1
    c27       r2        -1
    c27       r148      1
    c27       r173      1
    c28       r1        1
    c28       r2        -1
    c28       r150      1
    c28       r174      1
    c29       r1        1
    c29       r2        -1
    c29       r152      1
    c29       r175      1
    c30       r1        1
    c30       r2        -1
    c30       r154      1
    c30       r176      1
    c31       r1        1
    c31       r2        -1
    c31       r156      1
    c31       r177      1
    c32       r1        1
    c32       r2        -1
    c32       r158      1
    c32       r178      1
    c33       r4        1
    c33       r127      -1
    c33       r159      1
    c34       r5        1
    c34       r129      -1
    c34       r159      1
    c35       r6        1
    c35       r131      -1
    c35       r159      1
    c36       r7        1
    c36       r133      -1
    c36       r159      1
    c37       r8        1
    c37       r135      -1
    c37       r159      1
    c38       r9        1
    c38       r137      -1
    c38       r159      1
    c39       r10       1
    c39       r139      -1
    c39       r159      1
    c40       r11       1
    c40       r143      -1
    c40       r159      1
    c41       r12       1
    c41       r147      -1
    c41       r159      1
    c42       r13       1
    c42       r149      -1
    c42       r159      1
    c43       r14       1
    c43       r153      -1
    c43       r159      1
    c44       r15       1
    c44       r155      -1
    c44       r159      1
    c45       r16       1
    c45       r157      -1
    c45       r159      1
    c46       r17       1
    c46       r72       1
    c46       r127      -1
    c46       r159      1
    c47       r17       -76
    c47       r72       -20
    c48       r18       1
    c48       r73       1
    c48       r127      -1
    c49       r18       1
    c49       r73       1
    c49       r128      -1
    c50       r18       -65
    c50       r73       -15
    c51       r19       1
    c51       r74       1
    c51       r128      -1
    c51       r160      1
    c51       r162      -1
    c52       r19       -19
    c52       r74       -8
    c53       r20       1
    c53       r75       1
    c53       r129      -1
    c53       r159      1
    c54       r20       -33
    c54       r75       -15
    c55       r21       1
    c55       r76       1
    c55       r129      -1
    c56       r21       1
    c56       r76       1
    c56       r130      -1
    c57       r21       -28
    c57       r76       -8
    c58       r22       1
    c58       r77       1
    c58       r130      -1
    c58       r160      1
    c58       r162      -1
    c59       r22       -8
    c59       r77       -1
    c60       r23       1
    c60       r78       1
    c60       r131      -1
    c60       r159      1
    c61       r23       -57
    c61       r78       -20
    c62       r24       1
    c62       r79       1
    c62       r131      -1
    c63       r24       1
    c63       r79       1
    c63       r132      -1
    c64       r24       -49
    c64       r79       -14
    c65       r25       1
    c65       r80       1
    c65       r132      -1
    c65       r160      1
    c65       r162      -1
    c66       r25       -14
    c66       r80       -8
    c67       r26       1
    c67       r81       1
    c67       r133      -1
    c67       r159      1
    c68       r26       -180
    c68       r81       -20
    c69       r27       1
    c69       r82       1
    c69       r133      -1
    c70       r27       1
    c70       r82       1
    c70       r134      -1
    c71       r27       -153
    c71       r82       -15
    c72       r28       1
    c72       r83       1
    c72       r134      -1
    c72       r160      1
    c72       r162      -1
    c73       r28       -44
    c73       r83       -8
    c74       r29       1
    c74       r84       1
    c74       r133      -1
    c75       r29       -200
    c75       r84       -50
    c76       r30       1
    c76       r85       1
    c76       r133      -1
    c76       r159      1
    c77       r30       -100
    c77       r85       -1
    c78       r31       1
    c78       r86       1
    c78       r135      -1
    c78       r159      1
    c79       r31       -93
    c79       r86       -20
    c80       r32       1
    c80       r87       1
    c80       r135      -1
    c81       r32       1
    c81       r87       1
    c81       r136      -1
    c82       r32       -79
    c82       r87       -15
    c83       r33       1
    c83       r88       1
    c83       r136      -1
    c83       r160      1
    c83       r162      -1
    c84       r33       -23
    c84       r88       -8
    c85       r34       1
    c85       r89       1
    c85       r135      -1
    c86       r34       -104
    c86       r89       -50
    c87       r35       1
    c87       r90       1
    c87       r135      -1
    c87       r159      1
    c88       r35       -52
    c88       r90       -1
    c89       r36       1
    c89       r91       1
    c89       r137      -1
    c89       r159      1
    c90       r36       -258
    c90       r91       -20
    c91       r37       1
    c91       r92       1
    c91       r137      -1
    c92       r37       1
    c92       r92       1
    c92       r138      -1
    c93       r37       -219
    c93       r92       -15
    c94       r38       1
    c94       r93       1
    c94       r138      -1
    c94       r160      1
    c94       r162      -1
    c95       r38       -64
    c95       r93       -8
    c96       r39       1
    c96       r94       1
    c96       r137      -1
    c97       r39       -286
    c97       r94       -50
    c98       r40       1
    c98       r95       1
    c98       r139      -1
    c98       r159      1
    c99       r40       -38
    c99       r95       -17
    c100      r41       1
    c100      r96       1
    c100      r139      -1
    c101      r41       1
    c101      r96       1
    c101      r140      -1
    c102      r41       -33
    c102      r96       -9
    c103      r42       1
    c103      r97       1
    c103      r140      -1
    c103      r160      1
    c103      r162      -1
    c104      r42       -10
    c104      r97       -8
    c105      r43       1
    c105      r98       1
    c105      r141      -1
    c105      r159      1
    c106      r43       -21
    c106      r98       -9
    c107      r44       1
    c107      r99       1
    c107      r141      -1
    c108      r44       1
    c108      r99       1
    c108      r142      -1
    c109      r44       -18
    c109      r99       -5
    c110      r45       1
    c110      r100      1
    c110      r142      -1
    c110      r160      1
    c110      r162      -1
    c111      r45       -8
    c111      r100      -1
    c112      r46       1
    c112      r101      1
    c112      r143      -1
    c112      r159      1
    c113      r46       -51
    c113      r101      -20
    c114      r47       1
    c114      r102      1
    c114      r143      -1
    c115      r47       1
    c115      r102      1
    c115      r144      -1
    c116      r47       -43
    c116      r102      -12
    c117      r48       1
    c117      r103      1
    c117      r144      -1
    c117      r160      1
    c117      r162      -1
    c118      r48       -13
    c118      r103      -8
    c119      r49       1
    c119      r104      1
    c119      r145      -1
    c119      r159      1
    c120      r49       -21
    c120      r104      -9
    c121      r50       1
    c121      r105      1
    c121      r145      -1
    c122      r50       1
    c122      r105      1
    c122      r146      -1
    c123      r50       -18
    c123      r105      -5
    c124      r51       1
    c124      r106      1
    c124      r146      -1
    c124      r160      1
    c124      r162      -1
    c125      r51       -8
    c125      r106      -1
    c126      r52       1
    c126      r107      1
    c126      r147      -1
    c126      r159      1
    c127      r52       -26
    c127      r107      -11
    c128      r53       1
    c128      r108      1
    c128      r147      -1
    c129      r53       1
    c129      r108      1
    c129      r148      -1
    c130      r53       -22
    c130      r108      -6
    c131      r54       1
    c131      r109      1
    c131      r148      -1
    c131      r160      1
    c131      r162      -1
    c132      r54       -8
    c132      r109      -1
    c133      r55       1
    c133      r110      1
    c133      r149      -1
    c133      r159      1
    c134      r55       -34
    c134      r110      -15
    c135      r56       1
    c135      r111      1
    c135      r149      -1
    c136      r56       1
    c136      r111      1
    c136      r150      -1
    c137      r56       -29
    c137      r111      -8
    c138      r57       1
    c138      r112      1
    c138      r150      -1
    c138      r160      1
    c138      r162      -1
    c139      r57       -8
    c139      r112      -1
    c140      r58       1
    c140      r113      1
    c140      r151      -1
    c140      r159      1
    c141      r58       -29
    c141      r113      -13
    c142      r59       1
    c142      r114      1
    c142      r151      -1
    c143      r59       1
    c143      r114      1
    c143      r152      -1
    c144      r59       -24
    c144      r114      -7
    c145      r60       1
    c145      r115      1
    c145      r152      -1
    c145      r160      1
    c145      r162      -1
    c146      r60       -8
    c146      r115      -1
    c147      r61       1
    c147      r116      1
    c147      r153      -1
    c147      r159      1
    c148      r61       -191
    c148      r116      -20
    c149      r62       1
    c149      r117      1
    c149      r153      -1
    c150      r62       1
    c150      r117      1
    c150      r154      -1
    c151      r62       -162
    c151      r117      -15
    c152      r63       1
    c152      r118      1
    c152      r154      -1
    c152      r160      1
    c152      r162      -1
    c153      r63       -47
    c153      r118      -8
    c154      r64       1
    c154      r119      1
    c154      r153      -1
    c155      r64       -212
    c155      r119      -50
    c156      r65       1
    c156      r120      1
    c156      r153      -1
    c156      r159      1
    c157      r65       -106
    c157      r120      -1
    c158      r66       1
    c158      r121      1
    c158      r155      -1
    c158      r159      1
    c159      r66       -54
    c159      r121      -20
    c160      r67       1
    c160      r122      1
    c160      r155      -1
    c161      r67       1
    c161      r122      1
    c161      r156      -1
    c162      r67       -46
    c162      r122      -13
    c163      r68       1
    c163      r123      1
    c163      r156      -1
    c163      r160      1
    c163      r162      -1
    c164      r68       -13
    c164      r123      -8
    c165      r69       1
    c165      r124      1
    c165      r157      -1
    c165      r159      1
    c166      r69       -74
    c166      r124      -20
    c167      r70       1
    c167      r125      1
    c167      r157      -1
    c168      r70       1
    c168      r125      1
    c168      r158      -1
    c169      r70       -63
    c169      r125      -15
    c170      r71       1
    c170      r126      1
    c170      r158      -1
    c170      r160      1
    c170      r162      -1
    c171      r71       -18
    c171      r126      -8
    c172      r159      1
    c172      r160      -1
    c172      r161      1
    c172      r162      1
    MARK0001  'MARKER'                 'INTEND'
    c173      Obj       1
    c173      r163      -180
    c173      r164      -82
    c173      r165      -133
    c173      r166      -397
    c173      r167      -239
    c173      r168      -569
    c173      r169      -94
    c173      r170      -49
    c173      r171      -121
    c173      r172      -50
    c173      r173      -64
    c173      r174      -81
    c173      r175      -69
    c173      r176      -451
    c173      r177      -128
    c173      r178      -165
RHS
    RHS_V     r0        2618
    RHS_V     r1        254
    RHS_V     r3        2618
    RHS_V     r4        84
    RHS_V     r5        37
    RHS_V     r6        64
    RHS_V     r7        200
    RHS_V     r8        104
    RHS_V     r9        286
    RHS_V     r10       42
    RHS_V     r11       56
    RHS_V     r12       28
    RHS_V     r13       38
    RHS_V     r14       212
    RHS_V     r15       60
    RHS_V     r16       82
    RHS_V     r159      1309
    RHS_V     r160      127
    RHS_V     r161      1309
BOUNDS
 LI BOUND     c0        84
 UI BOUND     c0        225
 LI BOUND     c1        37
 UI BOUND     c1        98
 LI BOUND     c2        64
 UI BOUND     c2        170
 LI BOUND     c3        200
 UI BOUND     c3        833
 LI BOUND     c4        104
 UI BOUND     c4        432
 LI BOUND     c5        286
 UI BOUND     c5        1049
 LI BOUND     c6        42
 UI BOUND     c6        113
 UI BOUND     c7        39
 LI BOUND     c8        56
 UI BOUND     c8        150
 UI BOUND     c9        39
 LI BOUND     c10       28
 UI BOUND     c10       76
 LI BOUND     c11       38
 UI BOUND     c11       101
 UI BOUND     c12       53
 LI BOUND     c13       212
 UI BOUND     c13       883
 LI BOUND     c14       60
 UI BOUND     c14       160
 LI BOUND     c15       82
 UI BOUND     c15       219
 LI BOUND     c16       0
 UI BOUND     c17       84
 UI BOUND     c18       36
 UI BOUND     c19       63
 UI BOUND     c20       197
 UI BOUND     c21       102
 UI BOUND     c22       283
 UI BOUND     c23       43
 UI BOUND     c24       26
 UI BOUND     c25       56
 UI BOUND     c26       26
 UI BOUND     c27       30
 UI BOUND     c28       37
 UI BOUND     c29       32
 UI BOUND     c30       209
 UI BOUND     c31       59
 UI BOUND     c32       81
 UI BOUND     c33       84
 UI BOUND     c34       37
 UI BOUND     c35       64
 UI BOUND     c36       200
 UI BOUND     c37       104
 UI BOUND     c38       286
 UI BOUND     c39       42
 UI BOUND     c40       56
 UI BOUND     c41       28
 UI BOUND     c42       38
 UI BOUND     c43       212
 UI BOUND     c44       60
 UI BOUND     c45       82
 UI BOUND     c46       76
 BV BOUND     c47     
 UI BOUND     c48       65
 UI BOUND     c49       65
 BV BOUND     c50     
 UI BOUND     c51       19
 BV BOUND     c52     
 UI BOUND     c53       33
 BV BOUND     c54     
 UI BOUND     c55       28
 UI BOUND     c56       28
 BV BOUND     c57     
 UI BOUND     c58       8
 BV BOUND     c59     
 UI BOUND     c60       57
 BV BOUND     c61     
 UI BOUND     c62       49
 UI BOUND     c63       49
 BV BOUND     c64     
 UI BOUND     c65       14
 BV BOUND     c66     
 UI BOUND     c67       180
 BV BOUND     c68     
 UI BOUND     c69       153
 UI BOUND     c70       153
 BV BOUND     c71     
 UI BOUND     c72       44
 BV BOUND     c73     
 UI BOUND     c74       200
 BV BOUND     c75     
 UI BOUND     c76       100
 BV BOUND     c77     
 UI BOUND     c78       93
 BV BOUND     c79     
 UI BOUND     c80       79
 UI BOUND     c81       79
 BV BOUND     c82     
 UI BOUND     c83       23
 BV BOUND     c84     
 UI BOUND     c85       104
 BV BOUND     c86     
 UI BOUND     c87       52
 BV BOUND     c88     
 UI BOUND     c89       258
 BV BOUND     c90     
 UI BOUND     c91       219
 UI BOUND     c92       219
 BV BOUND     c93     
 UI BOUND     c94       64
 BV BOUND     c95     
 UI BOUND     c96       286
 BV BOUND     c97     
 UI BOUND     c98       38
 BV BOUND     c99     
 UI BOUND     c100      33
 UI BOUND     c101      33
 BV BOUND     c102    
 UI BOUND     c103      10
 BV BOUND     c104    
 UI BOUND     c105      21
 BV BOUND     c106    
 UI BOUND     c107      18
 UI BOUND     c108      18
 BV BOUND     c109    
 UI BOUND     c110      8
 BV BOUND     c111    
 UI BOUND     c112      51
 BV BOUND     c113    
 UI BOUND     c114      43
 UI BOUND     c115      43
 BV BOUND     c116    
 UI BOUND     c117      13
 BV BOUND     c118    
 UI BOUND     c119      21
 BV BOUND     c120    
 UI BOUND     c121      18
 UI BOUND     c122      18
 BV BOUND     c123    
 UI BOUND     c124      8
 BV BOUND     c125    
 UI BOUND     c126      26
 BV BOUND     c127    
 UI BOUND     c128      22
 UI BOUND     c129      22
 BV BOUND     c130    
 UI BOUND     c131      8
 BV BOUND     c132    
 UI BOUND     c133      34
 BV BOUND     c134    
 UI BOUND     c135      29
 UI BOUND     c136      29
 BV BOUND     c137    
 UI BOUND     c138      8
 BV BOUND     c139    
 UI BOUND     c140      29
 BV BOUND     c141    
 UI BOUND     c142      24
 UI BOUND     c143      24
 BV BOUND     c144    
 UI BOUND     c145      8
 BV BOUND     c146    
 UI BOUND     c147      191
 BV BOUND     c148    
 UI BOUND     c149      162
 UI BOUND     c150      162
 BV BOUND     c151    
 UI BOUND     c152      47
 BV BOUND     c153    
 UI BOUND     c154      212
 BV BOUND     c155    
 UI BOUND     c156      106
 BV BOUND     c157    
 UI BOUND     c158      54
 BV BOUND     c159    
 UI BOUND     c160      46
 UI BOUND     c161      46
 BV BOUND     c162    
 UI BOUND     c163      13
 BV BOUND     c164    
 UI BOUND     c165      74
 BV BOUND     c166    
 UI BOUND     c167      63
 UI BOUND     c168      63
 BV BOUND     c169    
 UI BOUND     c170      18
 BV BOUND     c171    
 LI BOUND     c172      0
ENDATA
