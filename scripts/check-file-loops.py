#!/usr/bin/env python3
"""No loops between files: within each target folder under the given root
(Sources, Tests), a file depends on the files that declare the types it
names; those dependencies must form no cycle, so each file can be read
after the ones it stands on. Word-level (comments and strings stripped),
so a type named only in prose does not count. Prints each loop; exits 1
if there is one.

    scripts/check-file-loops.py Sources Tests
"""
import os,re,sys
from collections import defaultdict
def strip(s):
    s=re.sub(r'//[^\n]*','',s)
    s=re.sub(r'"(?:\\.|[^"\\\n])*"','""',s)
    return s
loops=0
for root in sys.argv[1:]:
  for target in sorted(os.listdir(root)):
      d=os.path.join(root,target)
      files=[os.path.join(dp,f) for dp,_,fs in os.walk(d) for f in fs if f.endswith('.swift')]
      if not files: continue
      text={f:strip(open(f).read()) for f in files}
      decl=defaultdict(set)
      owner={}
      for f,t in text.items():
          for m in re.finditer(r'\b(?:struct|enum|class|actor|protocol|typealias)\s+([A-Z]\w*)',t):
              decl[f].add(m.group(1)); owner.setdefault(m.group(1),f)
      edges=defaultdict(set)
      for f,t in text.items():
          words=set(re.findall(r'\b[A-Z]\w*\b',t))
          for w in words:
              g=owner.get(w)
              if g and g!=f and w not in decl[f]: edges[f].add(g)
      # Tarjan SCC
      index={};low={};stack=[];on=set();sccs=[];i=[0]
      sys.setrecursionlimit(10000)
      def sc(v):
          index[v]=low[v]=i[0];i[0]+=1;stack.append(v);on.add(v)
          for w in edges[v]:
              if w not in index: sc(w);low[v]=min(low[v],low[w])
              elif w in on: low[v]=min(low[v],index[w])
          if low[v]==index[v]:
              comp=[]
              while True:
                  w=stack.pop();on.discard(w);comp.append(w)
                  if w==v:break
              if len(comp)>1: sccs.append(comp)
      for f in files:
          if f not in index: sc(f)
      for c in sccs:
        loops+=1
        print('check-file-loops: %s/%s: %s' % (root, target, ' <-> '.join(sorted(os.path.relpath(x,d) for x in c))))
if loops: sys.exit(1)
print('check-file-loops: no loop between files')
